package dev.cft.lm.tokenizer;

import java.util.Arrays;

/**
 * A stream decoder for any tokenizer, built on its {@code decode} alone (the scheme of Hugging
 * Face's text-generation-inference).
 *
 * <p>It decodes a short window of ids: those since the last released boundary (the prefix) plus the
 * new ones, and releases what the new ones add to the prefix's text, once that text does not end in
 * U+FFFD. Keeping the prefix in the window, rather than decoding new ids alone, lets decoders that
 * treat the first token specially (SentencePiece drops its leading space) give the text they give
 * inside a sequence. For UTF-8 byte tokens (ours and GPT-2's) a text that does not end in U+FFFD
 * ends on a whole character, after which decoding is additive: the pieces concatenate exactly to
 * the decode of all ids. A push costs one or two decodes of a few ids, not of the whole sequence;
 * only a long run of invalid bytes (each one U+FFFD) makes the window grow until a valid character
 * ends it.
 */
final class WindowedStreamDecoder implements TextTokenizer.StreamDecoder {

  private static final char REPLACEMENT = '\uFFFD';

  private final TextTokenizer tokenizer;
  private int[] window = new int[16];
  private int size;

  /** window[0..read) is already released; window[0..read) decodes to prefixText. */
  private int read;

  private String prefixText = "";

  WindowedStreamDecoder(TextTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  @Override
  public String push(int id) {
    if (size == window.length) {
      window = Arrays.copyOf(window, size * 2);
    }
    window[size++] = id;
    String text = tokenizer.decode(Arrays.copyOf(window, size));
    if (text.length() <= prefixText.length() || text.charAt(text.length() - 1) == REPLACEMENT) {
      return "";
    }
    return release(text);
  }

  @Override
  public String flush() {
    String text = tokenizer.decode(Arrays.copyOf(window, size));
    String rest = text.length() <= prefixText.length() ? "" : text.substring(prefixText.length());
    size = 0;
    read = 0;
    prefixText = "";
    return rest;
  }

  /** Returns the new part of {@code text} and makes the ids since the last release the prefix. */
  private String release(String text) {
    String added = text.substring(prefixText.length());
    int kept = size - read;
    System.arraycopy(window, read, window, 0, kept);
    size = kept;
    read = kept;
    prefixText = tokenizer.decode(Arrays.copyOf(window, size));
    return added;
  }
}

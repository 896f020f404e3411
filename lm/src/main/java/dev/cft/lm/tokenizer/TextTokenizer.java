package dev.cft.lm.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Text to token ids and back, as stored in a checkpoint directory.
 *
 * <p>Text never turns into a control token: {@link #encode} adds no special tokens and encodes a
 * literal {@code <|endoftext|>} in the text as ordinary text, so training data and prompts cannot
 * end or forge a sequence; the callers append {@link #eosId()} themselves.
 */
public interface TextTokenizer extends AutoCloseable {

  /** The ids of {@code text}, all of it (never truncated), with no special token added. */
  int[] encode(String text);

  /**
   * The text of {@code ids}, skipping special tokens; bytes that do not form valid UTF-8 become
   * U+FFFD.
   */
  String decode(int[] ids);

  /** Ids are below this: the least vocabulary size a model needs for this tokenizer. */
  int vocabSize();

  int eosId();

  String eosToken();

  /**
   * Writes this tokenizer's files into the checkpoint directory {@code dir} (created if need be).
   */
  void save(Path dir) throws IOException;

  /** Decodes ids one at a time, as a model generates them. */
  default StreamDecoder newStreamDecoder() {
    return new WindowedStreamDecoder(this);
  }

  /** Frees native resources, if any. */
  @Override
  default void close() {}

  /**
   * The tokenizer saved in the checkpoint directory {@code dir}: the byte tokenizer if it holds a
   * {@code byte_tokenizer.json} (its {@code tokenizer.json} is the same tokenizer for other tools),
   * else the Hugging Face one of its {@code tokenizer.json}.
   *
   * @throws IllegalArgumentException if it holds neither
   */
  static TextTokenizer load(Path dir) throws IOException {
    if (Files.exists(dir.resolve(ByteTokenizer.FILE))) {
      return ByteTokenizer.load(dir);
    }
    if (Files.exists(dir.resolve(HuggingFaceTextTokenizer.FILE))) {
      return HuggingFaceTextTokenizer.load(dir);
    }
    throw new IllegalArgumentException(
        "no tokenizer in "
            + dir
            + ": neither "
            + HuggingFaceTextTokenizer.FILE
            + " nor "
            + ByteTokenizer.FILE
            + " exists");
  }

  /**
   * Turns generated ids into text as they come. A token can end in the middle of a character (a
   * byte of an emoji, say), so text is only released once it is complete.
   */
  interface StreamDecoder {

    /**
     * The text completed by {@code id}; empty while a character is still incomplete. The pushes,
     * then {@link #flush()}, concatenate to {@code decode} of all ids pushed.
     */
    String push(int id);

    /**
     * What is still held back (an incomplete character, decoded as U+FFFD); call it once the
     * sequence ends. Empty when the last push completed its text.
     */
    String flush();
  }
}

package dev.cft.lm.bench;

import dev.cft.lm.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Text that is token ids written out ("17 203 5"): random data of any vocabulary size can go
 * through the real {@code Packer}/{@code FineTuner}/{@code Generator} path, and every id is
 * reachable, which no byte or BPE text could promise for an arbitrary vocabulary.
 */
final class IdTokenizer implements TextTokenizer {
  /** An end-of-text id no model can produce (the generator then starts a prompt with no EOS). */
  static final int NO_EOS = -1;

  private final int vocabSize;
  private final int eosId;

  /**
   * @param eosId {@link #NO_EOS} to decode with: greedy decoding of a model trained on noise would
   *     otherwise stop whenever it happened to pick the end-of-text id, and time too few tokens
   */
  IdTokenizer(int vocabSize, int eosId) {
    this.vocabSize = vocabSize;
    this.eosId = eosId;
  }

  @Override
  public int[] encode(String text) {
    String trimmed = text.strip();
    return trimmed.isEmpty()
        ? new int[0]
        : Arrays.stream(trimmed.split(" +")).mapToInt(Integer::parseInt).toArray();
  }

  @Override
  public String decode(int[] ids) {
    return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" "));
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int eosId() {
    return eosId;
  }

  @Override
  public String eosToken() {
    return "<eos>";
  }

  /** Nothing to keep: the bench never saves a checkpoint. */
  @Override
  public void save(Path dir) {
    throw new UnsupportedOperationException("the bench tokenizer is not saved");
  }

  /** Ids are whole pieces of text: no character spans two of them. */
  @Override
  public StreamDecoder newStreamDecoder() {
    return new StreamDecoder() {
      @Override
      public String push(int id) {
        return id + " ";
      }

      @Override
      public String flush() {
        return "";
      }
    };
  }
}

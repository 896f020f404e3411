package dev.cft.lm.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.cft.lm.Gpt;
import dev.cft.lm.KvCache;
import dev.cft.lm.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Generates text from a model: a prefill of the prompt, then one token at a time through the KV
 * cache, until EOS, a stop string, {@code max_tokens} or the end of the model's context. Streams
 * text as it becomes final: text that could still turn into a stop string is held back.
 */
public final class Generator {
  /**
   * libtorch intra-op threads for the token-by-token steps on a CPU ({@code
   * -Dcft.lm.decode-threads}, 0 leaves the process's setting). One token's ops are too small to
   * split: handing them to a second thread costs more than it saves (a d=128 model decodes ~1.9×
   * faster on one thread here; GPT-2-small the same on one or two, being memory-bound).
   */
  static final int DECODE_THREADS = Integer.getInteger("cft.lm.decode-threads", 1);

  private final Gpt model;
  private final TextTokenizer tokenizer;

  public Generator(Gpt model, TextTokenizer tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
  }

  public GenerationResult generate(GenerationRequest request) {
    return generate(request, text -> {});
  }

  /**
   * @param onText receives each piece of generated text once it is final; the pieces concatenate to
   *     {@link GenerationResult#text()}
   */
  public GenerationResult generate(GenerationRequest request, Consumer<String> onText) {
    return generate(tokenizer.encode(request.prompt()), request, onText);
  }

  /**
   * As {@link #generate(GenerationRequest, Consumer)}, for a caller that has encoded {@code
   * request.prompt()} already (to check its length): {@code prompt} are those tokens.
   */
  public GenerationResult generate(
      int[] prompt, GenerationRequest request, Consumer<String> onText) {
    int context = model.config().nPositions();
    int promptTokens = prompt.length;
    if (tokenizer.eosId() >= 0) {
      // Read after an EOS, as every example was in training (Packer): "a new text starts here".
      int[] started = new int[prompt.length + 1];
      started[0] = tokenizer.eosId();
      System.arraycopy(prompt, 0, started, 1, prompt.length);
      prompt = started;
    }
    if (prompt.length >= context) {
      throw new IllegalArgumentException(
          "prompt of "
              + promptTokens
              + " tokens leaves no room in the model's context of "
              + context
              + (prompt.length > promptTokens
                  ? " (the text starts with an end-of-text token)"
                  : ""));
    }
    Sampler sampler = new Sampler(request);
    TextTokenizer.StreamDecoder decoder = tokenizer.newStreamDecoder();
    StringBuilder text = new StringBuilder();
    int emitted = 0;
    int holdBack = request.stop().stream().mapToInt(String::length).max().orElse(1) - 1;
    int[] generated = new int[request.maxTokens()];
    int count = 0;
    String finish = "length";
    boolean cut = false;
    NDManager root = model.manager();
    int threads = JniUtils.getNumThreads();
    boolean singleTokenSteps =
        request.useCache() && DECODE_THREADS > 0 && !root.getDevice().isGpu();
    try (KvCache cache = request.useCache() ? new KvCache(model.config().nLayer(), root) : null) {
      int[] next = prompt;
      while (count < request.maxTokens() && prompt.length + count < context) {
        float[] logits = lastLogits(next, cache, prompt, generated, count);
        if (count == 0 && singleTokenSteps) {
          // The prompt's prefill ran on all threads; from here on each step is one token. The
          // setting is the calling thread's (OpenMP), restored below.
          JniUtils.setNumThreads(DECODE_THREADS);
        }
        int token = sampler.next(logits);
        if (token == tokenizer.eosId()) {
          finish = "stop";
          break;
        }
        generated[count++] = token;
        text.append(decoder.push(token));
        int stopAt = firstStop(text, request);
        if (stopAt >= 0) {
          text.setLength(stopAt);
          finish = "stop";
          cut = true;
          break;
        }
        int safe = text.length() - holdBack;
        if (safe > emitted) {
          onText.accept(text.substring(emitted, safe));
          emitted = safe;
        }
        next = new int[] {token};
      }
    } finally {
      if (singleTokenSteps) {
        JniUtils.setNumThreads(threads);
      }
    }
    if (!cut) {
      text.append(decoder.flush()); // a character the last token left unfinished
      int stopAt = firstStop(text, request);
      if (stopAt >= 0) {
        // Held-back text covers any stop that ends here, so nothing past it was streamed.
        text.setLength(Math.max(stopAt, emitted));
        finish = "stop";
      }
    }
    if (text.length() > emitted) {
      onText.accept(text.substring(emitted));
    }
    return new GenerationResult(
        text.toString(), Arrays.copyOf(generated, count), promptTokens, finish);
  }

  /** Logits of the next token: through the cache, or by recomputing the whole sequence. */
  private float[] lastLogits(int[] next, KvCache cache, int[] prompt, int[] generated, int count) {
    try (NDManager step = model.manager().newSubManager()) {
      int[] input = next;
      if (cache == null) {
        input = Arrays.copyOf(prompt, prompt.length + count);
        System.arraycopy(generated, 0, input, prompt.length, count);
      }
      NDArray ids = step.create(input, new Shape(1, input.length)); // (1,T)
      NDArray logits =
          cache == null ? model.forward(ids, false) : model.forwardCached(ids, cache); // (1,T,V)
      return logits.get(new NDIndex(0, input.length - 1)).toFloatArray(); // (V)
    }
  }

  private static int firstStop(StringBuilder text, GenerationRequest request) {
    int first = -1;
    for (String stop : request.stop()) {
      int at = text.indexOf(stop);
      if (at >= 0 && (first < 0 || at < first)) {
        first = at;
      }
    }
    return first;
  }
}

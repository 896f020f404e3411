package dev.cft.lm.generate;

import java.util.Arrays;
import java.util.Random;

/** Picks the next token from logits: greedy, or temperature + top-k + top-p sampling. */
final class Sampler {
  private final GenerationRequest request;
  private final Random random;

  Sampler(GenerationRequest request) {
    this.request = request;
    this.random = new Random(request.seed());
  }

  int next(float[] logits) {
    if (request.isGreedy()) {
      return argmax(logits);
    }
    int n = logits.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
    int keep = request.topK() > 0 ? Math.min(request.topK(), n) : n;
    double max = logits[order[0]];
    double[] probabilities = new double[keep];
    double total = 0;
    for (int i = 0; i < keep; i++) {
      probabilities[i] = Math.exp((logits[order[i]] - max) / request.temperature());
      total += probabilities[i];
    }
    // Nucleus: the smallest prefix of the sorted tokens whose probability reaches top_p.
    double cumulative = 0;
    int nucleus = keep;
    for (int i = 0; i < keep; i++) {
      cumulative += probabilities[i] / total;
      if (cumulative >= request.topP()) {
        nucleus = i + 1;
        break;
      }
    }
    double mass = 0;
    for (int i = 0; i < nucleus; i++) {
      mass += probabilities[i];
    }
    double draw = random.nextDouble() * mass;
    for (int i = 0; i < nucleus; i++) {
      draw -= probabilities[i];
      if (draw <= 0) {
        return order[i];
      }
    }
    return order[nucleus - 1];
  }

  static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}

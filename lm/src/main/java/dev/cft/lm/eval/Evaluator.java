package dev.cft.lm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.cft.lm.Gpt;
import dev.cft.lm.data.Batch;
import dev.cft.lm.data.ChatTemplate;
import dev.cft.lm.data.Example;
import dev.cft.lm.data.Packer;
import dev.cft.lm.generate.GenerationRequest;
import dev.cft.lm.generate.Generator;
import dev.cft.lm.tokenizer.TextTokenizer;
import java.util.List;

/** Batched, no-gradient evaluation: loss, perplexity, token accuracy and exact match. */
public final class Evaluator {
  private final Gpt model;
  private final TextTokenizer tokenizer;
  private final int batchSize;

  public Evaluator(Gpt model, TextTokenizer tokenizer, int batchSize) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.batchSize = batchSize;
  }

  /**
   * Loss, perplexity and token accuracy over the trained tokens of {@code examples}, each example
   * on its own (so the figures do not depend on batching or packing).
   */
  public Metrics tokenMetrics(List<Example> examples) {
    return tokenMetrics(sequences(tokenizer, model, examples), examples.size());
  }

  /** The evaluation sequences of {@code examples}: prepare once, score many times. */
  public static List<Packer.Sequence> sequences(
      TextTokenizer tokenizer, Gpt model, List<Example> examples) {
    return new Packer(tokenizer, model.config().nPositions()).separate(examples).sequences();
  }

  public Metrics tokenMetrics(List<Packer.Sequence> sequences, int examples) {
    double lossSum = 0;
    double correct = 0;
    double tokens = 0;
    for (int from = 0; from < sequences.size(); from += batchSize) {
      List<Packer.Sequence> slice =
          sequences.subList(from, Math.min(from + batchSize, sequences.size()));
      try (NDManager step = model.manager().newSubManager()) {
        Batch batch = Batch.of(slice, step);
        NDArray logits = batch.logits(model, false); // (B,T,V)
        lossSum += batch.tokenLosses(logits).mul(batch.weight()).sum().getFloat();
        NDArray hits =
            logits
                .argMax(-1)
                .eq(batch.target())
                .toType(batch.weight().getDataType(), false); // (B,T)
        correct += hits.mul(batch.weight()).sum().getFloat();
        tokens += batch.trainedTokens();
      }
    }
    double loss = tokens == 0 ? Double.NaN : lossSum / tokens;
    return new Metrics(
        loss,
        Math.exp(loss),
        tokens == 0 ? Double.NaN : correct / tokens,
        null,
        (long) tokens,
        examples);
  }

  /**
   * Adds exact match: each example's prompt is completed greedily and compared, trimmed, with its
   * reference completion (classification-style data: labels, short answers).
   */
  public Metrics withExactMatch(List<Example> examples, int maxTokens) {
    Metrics metrics = tokenMetrics(examples);
    return new Metrics(
        metrics.loss(),
        metrics.perplexity(),
        metrics.tokenAccuracy(),
        exactMatch(examples, maxTokens),
        metrics.tokens(),
        metrics.examples());
  }

  /** The share of {@code examples} whose greedy completion equals the reference, trimmed. */
  public double exactMatch(List<Example> examples, int maxTokens) {
    Generator generator = new Generator(model, tokenizer);
    int matches = 0;
    for (Example example : examples) {
      String reference = example.reference().strip();
      int budget = Math.max(maxTokens, tokenizer.encode(reference).length + 1);
      String answer =
          generator
              .generate(
                  GenerationRequest.greedy(example.prompt(), budget)
                      .withStop(List.of(ChatTemplate.END)))
              .text();
      if (stripEnd(answer).equals(stripEnd(reference))) {
        matches++;
      }
    }
    return examples.isEmpty() ? Double.NaN : (double) matches / examples.size();
  }

  /** A reference ends with the chat end marker when it came from a chat; answers stop before it. */
  private static String stripEnd(String text) {
    String trimmed = text.strip();
    String end = ChatTemplate.END;
    return trimmed.endsWith(end)
        ? trimmed.substring(0, trimmed.length() - end.length()).strip()
        : trimmed;
  }
}

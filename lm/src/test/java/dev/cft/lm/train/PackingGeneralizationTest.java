package dev.cft.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.data.ChatTemplate;
import dev.cft.lm.data.Example;
import dev.cft.lm.data.Packing;
import dev.cft.lm.eval.Evaluator;
import dev.cft.lm.generate.GenerationRequest;
import dev.cft.lm.generate.Generator;
import dev.cft.lm.tokenizer.ByteTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a served model is judged by: inputs it never saw. Tickets numbered below 100 teach a fixed
 * answer per topic; the golden tickets are numbered from 900, one digit longer, so everything after
 * the number sits one position further along than in any training example.
 */
class PackingGeneralizationTest {
  static final GptConfig CONFIG =
      new GptConfig(
          ByteTokenizer.VOCAB, 128, 64, 2, 4, null, 1e-5, 0, 0, 0, 0.02, 256, 256, "gelu_new");

  static final String[][] TOPICS = {
    {"I forgot my password", "Use Forgot password on the sign-in page."},
    {"I was charged twice", "Billing refunds the duplicate within 5 days."},
    {"Where is my parcel", "Track it under Orders, then Shipping."},
    {"The app crashes on start", "Update to the latest version and restart."},
  };

  static NDManager root;
  static final ByteTokenizer TOKENIZER = new ByteTokenizer();

  @BeforeAll
  static void setUp() {
    root = NDManager.newBaseManager();
  }

  @AfterAll
  static void tearDown() {
    root.close();
  }

  static Example ticket(int n) {
    return ChatTemplate.render(
        List.of(
            new ChatTemplate.Message("user", "Ticket " + n + ": " + TOPICS[n % 4][0]),
            new ChatTemplate.Message("assistant", TOPICS[n % 4][1])));
  }

  static List<Example> tickets(int from, int to, int skipEvery) {
    List<Example> examples = new ArrayList<>();
    for (int n = from; n < to; n++) {
      if (skipEvery == 0 || n % skipEvery != 3) {
        examples.add(ticket(n));
      }
    }
    return examples;
  }

  record Scores(double validation, double golden, String answer) {}

  static Scores trainAndScore(Packing packing) {
    List<Example> train = tickets(0, 80, 10); // 72 tickets
    List<Example> validation = new ArrayList<>();
    for (int n = 3; n < 80; n += 10) {
      validation.add(ticket(n));
    }
    List<Example> golden = tickets(900, 920, 0);
    TrainingRequest request =
        TrainingRequest.builder(train, 128)
            .packing(packing)
            .epochs(1000)
            .maxSteps(400)
            .batch(8, 1)
            .learningRate(3e-3, 0.05, 0.1)
            .seed(42)
            .build();
    try (Gpt model = Gpt.initialize(CONFIG, root, 42)) {
      new FineTuner(model, TOKENIZER).train(request);
      Evaluator evaluator = new Evaluator(model, TOKENIZER, 16);
      String prompt =
          ChatTemplate.prompt(
              List.of(new ChatTemplate.Message("user", "Ticket 955: " + TOPICS[3][0])));
      String answer =
          new Generator(model, TOKENIZER)
              .generate(GenerationRequest.greedy(prompt, 60).withStop(List.of(ChatTemplate.END)))
              .text();
      return new Scores(
          evaluator.tokenMetrics(validation).loss(), evaluator.tokenMetrics(golden).loss(), answer);
    }
  }

  @Test
  void wrappedPackingScoresUnseenTicketsLikeItsValidationSet() {
    Scores scores = trainAndScore(Packing.WRAPPED);
    assertTrue(scores.validation() < 0.2, "the model learned the tickets: " + scores);
    assertTrue(
        scores.golden() <= 2 * scores.validation(),
        "golden loss within 2× of validation loss: " + scores);
    assertEquals(TOPICS[3][1], scores.answer(), "a ticket number never seen gets its answer");
  }

  /** The failure the default packing fixes, kept visible: positions restarting at every example. */
  @Test
  void blockDiagonalPackingMemorizesPositionsAndFailsOnUnseenTickets() {
    Scores scores = trainAndScore(Packing.BLOCK_DIAGONAL);
    assertTrue(scores.validation() < 0.2, "the model learned the tickets: " + scores);
    assertTrue(
        scores.golden() > 10 * scores.validation(), "golden far above validation: " + scores);
  }
}

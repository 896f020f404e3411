package dev.cft.lm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.lm.generate.GenerationRequest;
import dev.cft.lm.generate.Generator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them, in-process: exit code, stdout and stderr. */
class LmCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path model;
  static Path validation;
  static Result trained;

  record Result(int exitCode, String out, String err) {
    JsonNode json() throws IOException {
      assertEquals(1, out.lines().count(), "one JSON line on stdout: " + out);
      return JSON.readTree(out);
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        LmCli.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Letter runs as prompt/completion pairs: learnable in a few steps, and exact-matchable. */
  static Path letters(String name, int count, int offset) throws IOException {
    String alphabet = "abcdefghijklmnopqrstuvwxyz".repeat(2);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < count; i++) {
      int start = (i * 5 + offset) % 26;
      lines
          .append("{\"prompt\": \"")
          .append(alphabet, start, start + 6)
          .append("\", \"completion\": \"")
          .append(alphabet, start + 6, start + 10)
          .append("\"}\n");
    }
    return Files.writeString(dir.resolve(name), lines);
  }

  @BeforeAll
  static void trainATinyModel() throws IOException {
    Path data = letters("train.jsonl", 64, 0);
    validation = letters("val.jsonl", 8, 2);
    model = dir.resolve("model");
    trained =
        run(
            "train",
            "--data",
            data.toString(),
            "--val",
            validation.toString(),
            "--out",
            model.toString(),
            "--preset",
            "tiny",
            "--epochs",
            "10",
            "--max-steps",
            "30",
            "--batch",
            "4",
            "--context",
            "64",
            "--lr",
            "3e-3",
            "--seed",
            "1");
  }

  @Test
  void trainSavesTheModelAndSummarisesTheRunAsJson() throws IOException {
    assertEquals(0, trained.exitCode(), trained.err());
    JsonNode summary = trained.json();
    assertEquals(30, summary.get("steps").asInt());
    assertEquals(64, summary.get("examples").asInt());
    assertTrue(summary.get("best_validation_loss").isNumber(), summary.toString());
    assertTrue(summary.get("final_loss").asDouble() < Math.log(257), summary.toString());
    assertTrue(Files.exists(model.resolve("config.json")));
    assertTrue(Files.exists(model.resolve("model.safetensors")));
    // stderr is no terminal here: plain progress lines, up to the last step.
    assertTrue(trained.err().contains("\nstep 30/30 ["), trained.err());
    assertFalse(trained.err().contains("\r"));
  }

  @Test
  void loraFineTuningOfASavedModelSavesAPlainMergedModel() throws IOException {
    Path tuned = dir.resolve("lora");
    Result lora =
        run(
            "train",
            "--data",
            validation.toString(),
            "--from",
            model.toString(),
            "--out",
            tuned.toString(),
            "--lora-rank",
            "4",
            "--max-steps",
            "3",
            "--batch",
            "4",
            "--lr",
            "1e-2");
    assertEquals(0, lora.exitCode(), lora.err());
    assertEquals(3, lora.json().get("steps").asInt());
    assertFalse(
        Files.exists(tuned.resolve("adapter_model.safetensors")), "adapters are merged on save");
    Result eval = run("eval", "--model", tuned.toString(), "--data", validation.toString());
    assertEquals(0, eval.exitCode(), eval.err());
    assertTrue(eval.json().get("loss").isNumber(), eval.out());
  }

  @Test
  void generatePrintsOnlyTheContinuation() throws IOException {
    Result result =
        run(
            "generate",
            "--model",
            model.toString(),
            "--prompt",
            "cdefgh",
            "--greedy",
            "--max-tokens",
            "12");

    assertEquals(0, result.exitCode(), result.err());
    String expected;
    try (NDManager root = NDManager.newBaseManager();
        LoadedModel loaded = LoadedModel.load(model, root)) {
      expected =
          new Generator(loaded.model(), loaded.tokenizer())
              .generate(GenerationRequest.greedy("cdefgh", 12))
              .text();
    }
    assertFalse(expected.isEmpty());
    assertEquals(expected, result.out());
    assertTrue(result.err().contains("finish:"), result.err());
  }

  @Test
  void evalPrintsTheMetricsAsOneJsonObject() throws IOException {
    Result result =
        run("eval", "--model", model.toString(), "--data", validation.toString(), "--exact-match");

    assertEquals(0, result.exitCode(), result.err());
    JsonNode metrics = result.json();
    for (String key : List.of("loss", "perplexity", "token_accuracy", "exact_match")) {
      assertTrue(metrics.get(key).isNumber(), key + " in " + metrics);
    }
    assertEquals(
        Math.exp(metrics.get("loss").asDouble()), metrics.get("perplexity").asDouble(), 1e-6);
    assertEquals(8, metrics.get("examples").asInt());
  }

  @Test
  void aMissingDataFileIsOneErrorLineAndExitCode2() {
    Path absent = dir.resolve("absent.jsonl");
    Result result = run("train", "--data", absent.toString(), "--out", dir.resolve("x").toString());

    assertEquals(2, result.exitCode());
    assertEquals("error: no such file: " + absent + System.lineSeparator(), result.err());
    assertEquals("", result.out());
  }

  @Test
  void aBadDataLineIsNamedWithoutAStackTrace() throws IOException {
    Path bad =
        Files.writeString(
            dir.resolve("bad.jsonl"),
            "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": 1, \"completion\": \"b\"}\n");
    Result result = run("eval", "--model", model.toString(), "--data", bad.toString());

    assertEquals(2, result.exitCode());
    assertEquals(
        "error: " + bad + " line 2: field \"prompt\" must be a string, found number",
        result.err().strip());
  }

  @Test
  void aDirectoryThatHoldsNoModelIsAnErrorLine() {
    Result result = run("generate", "--model", dir.toString(), "--prompt", "x");

    assertEquals(2, result.exitCode());
    assertTrue(result.err().startsWith("error: no config.json in "), result.err());
    assertEquals("", result.out());
  }

  @Test
  void everyCommandHasHelpAndNoCommandIsAUsageError() {
    for (String command : List.of("train", "eval", "generate", "bench")) {
      Result help = run(command, "--help");
      assertEquals(0, help.exitCode(), help.err());
      assertTrue(help.out().startsWith("Usage: lm " + command), help.out());
    }
    Result none = run();
    assertEquals(2, none.exitCode());
    assertTrue(none.err().startsWith("Usage: lm "), none.err());
  }

  @Test
  void benchPrintsEveryFigureAsOneJsonObject() throws IOException {
    Result result =
        run(
            "bench",
            "--steps",
            "3",
            "--warmup",
            "1",
            "--n-embd",
            "32",
            "--n-layer",
            "1",
            "--ctx",
            "16",
            "--batch",
            "2");

    assertEquals(0, result.exitCode(), result.err());
    JsonNode bench = result.json();
    for (String key :
        List.of(
            "tokens_per_s",
            "matmul_gflops",
            "mfu",
            "decode_tokens_per_s",
            "decode_tokens_per_s_nocache",
            "peak_rss_mb",
            "n_embd",
            "n_layer",
            "n_head",
            "ctx",
            "batch",
            "vocab",
            "params",
            "threads")) {
      assertTrue(bench.get(key).asDouble() > 0, key + " in " + bench);
    }
    assertEquals(0.0, bench.get("dropout").asDouble());
    assertEquals(32, bench.get("n_embd").asInt());
    assertEquals(16, bench.get("ctx").asInt());
  }
}

package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.stack.Ports;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code ./pipeline demo}, the README's first command, as a person runs it (on free ports). */
class PipelineDemoIT {
  private static final Path PROJECT = Path.of("../..").toAbsolutePath().normalize();
  private Path state;

  @AfterEach
  void down() {
    Pipeline.execute(
        new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()),
        "down",
        "--state-dir=" + state,
        "--project-dir=" + PROJECT);
  }

  @Test
  void theDemoPromotesTheGoodDatasetAndTheGateKeepsTheDegradedOneOut() throws Exception {
    state =
        Files.createTempDirectory(Files.createDirectories(Path.of("target", "demo-it")), "state");
    List<String> args =
        new ArrayList<>(List.of("demo", "--state-dir=" + state, "--project-dir=" + PROJECT));
    for (String option :
        List.of("kafka", "kafka-controller", "s3", "ingest", "train", "eval", "deploy")) {
      args.add("--" + option + "-port=" + Ports.free());
    }
    StringWriter out = new StringWriter();
    int code =
        Pipeline.execute(
            new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new));
    String shown = out.toString();
    System.out.println(shown);

    assertEquals(0, code, shown);
    assertTrue(shown.contains("Before: (no model serves 'support' yet)"), shown);
    assertTrue(shown.contains("ingest   dataset support v1"), shown);
    String firstRound = shown.substring(0, Math.max(0, shown.indexOf("wrong-answers")));
    assertTrue(
        Pattern.compile("step (\\d+)/\\1 ").matcher(firstRound).find()
            || firstRound.contains("stopped early"),
        "v1's progress bar reaches the end, or its run stops early and says so");
    assertTrue(shown.contains("eval     PASSED"), shown);
    assertTrue(shown.contains("deploy   v1 is production"), shown);
    Matcher golden = Pattern.compile("Golden loss of v1: ([0-9.]+)").matcher(shown);
    assertTrue(golden.find(), shown);
    // 1.76 with positions restarting at every example (the packing before wrapped rows): 5× less.
    assertTrue(Double.parseDouble(golden.group(1)) <= 0.35, golden.group());
    assertTrue(
        shown.contains(
            "After:  \"Ticket 955: I forgot my password\" → \"Use Forgot password on the sign-in"
                + " page.\""),
        "a ticket in no training file gets its topic's answer: " + shown);
    assertTrue(shown.contains("eval     REJECTED"), shown);
    assertTrue(shown.contains("- retention loss"), shown);
    assertTrue(
        shown.contains("Production of 'support' is v1: the degraded candidate was kept out."),
        shown);
  }
}

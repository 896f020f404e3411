package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ./pipeline demo}, the README's first command, as a person runs it (on free ports). */
class PipelineDemoIT {
  @RegisterExtension final LocalPipeline pipeline = new LocalPipeline("demo-it");

  @Test
  void theDemoPromotesTheGoodDatasetAndTheGateKeepsTheDegradedOneOut() throws Exception {
    LocalPipeline.Run demo = pipeline.withPorts("demo");
    int code = demo.exitCode();
    String shown = demo.shown();

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

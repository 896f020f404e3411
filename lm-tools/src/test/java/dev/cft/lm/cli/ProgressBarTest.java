package dev.cft.lm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.lm.train.TrainingListener.Step;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final StringWriter written = new StringWriter();
  private long now; // nanoseconds of a fake clock: one second a step

  private ProgressBar bar(boolean terminal) {
    return new ProgressBar(new PrintWriter(written), terminal, () -> now);
  }

  private void run(ProgressBar bar, long from, long to, long total) {
    for (long step = from; step <= to; step++) {
      now += 1_000_000_000L;
      bar.onStep(new Step(step, total, 0, 2.5, 1e-3, 1.0, 1234.4));
    }
  }

  @Test
  void withoutATerminalItPrintsTheFirstStepThenOneLineEveryFivePercent() {
    run(bar(false), 1, 100, 100);

    List<String> lines = written.toString().lines().toList();
    assertEquals(21, lines.size(), written.toString());
    assertTrue(lines.get(0).startsWith("step 1/100 [------------------------] loss 2.5000"));
    assertTrue(lines.get(1).startsWith("step 5/100 [#-----------------------] loss 2.5000"));
    assertTrue(lines.get(20).startsWith("step 100/100 [########################]"));
    assertFalse(written.toString().contains("\r"));
  }

  @Test
  void aShortRunWithoutATerminalPrintsEveryStep() {
    run(bar(false), 1, 3, 3);

    assertEquals(3, written.toString().lines().count());
  }

  @Test
  void onATerminalOneLineIsRedrawnInPlaceAndEndedAtTheLastStep() {
    ProgressBar bar = bar(true);
    run(bar, 1, 9, 10);

    assertEquals(9, written.toString().chars().filter(c -> c == '\r').count());
    assertFalse(written.toString().contains("\n"), "no new line while running");

    run(bar, 10, 10, 10);
    assertTrue(written.toString().endsWith("ETA 0s\n"), written.toString());
  }

  @Test
  void theLineShowsLossSpeedAndTimeLeftAtTheRunsOwnPace() {
    ProgressBar bar = bar(false);
    now = 0;
    // Resumed at step 40: ten steps of one second each, 50 to go.
    run(bar, 41, 50, 100);

    String last = written.toString().lines().reduce((a, b) -> b).orElseThrow();
    assertEquals(
        "step 50/100 [############------------] loss 2.5000 | 1,234 tok/s | ETA 50s", last);
  }

  @Test
  void validationAndCheckpointMessagesGetLinesOfTheirOwn() {
    ProgressBar bar = bar(true);
    run(bar, 1, 2, 10);
    bar.onValidation(2, 1.23456, true);

    assertTrue(
        written.toString().endsWith("\nstep 2: validation loss 1.2346 (best)\n"),
        written.toString());
    assertEquals("1h01m", ProgressBar.duration(3660));
    assertEquals("2m05s", ProgressBar.duration(125));
  }
}

package dev.cft.lm.cli;

import dev.cft.lm.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress on stderr. On a terminal, one line redrawn in place with {@code \r}: step, bar,
 * loss, tokens/s and time left. Into a file or a pipe, where {@code \r} would pile up as one
 * endless line, plain lines instead: the first step (the run has started, here is its ETA), then
 * one every 5 % of the run.
 */
final class ProgressBar implements TrainingListener {
  private static final int WIDTH = 24;
  private static final int PLAIN_LINES = 20; // one per 5 %

  private final PrintWriter err;
  private final boolean terminal;
  private final LongSupplier nanoClock;
  private final long started;
  private long firstStep = -1;
  private long lastBucket = -1;
  private int drawnWidth; // characters of the bar now on screen, 0 when none

  ProgressBar(PrintWriter err, boolean terminal, LongSupplier nanoClock) {
    this.err = err;
    this.terminal = terminal;
    this.nanoClock = nanoClock;
    this.started = nanoClock.getAsLong();
  }

  /** Draws in place only when stderr is an interactive terminal. */
  static ProgressBar forStderr(PrintWriter err) {
    return new ProgressBar(err, System.console() != null, System::nanoTime);
  }

  @Override
  public void onStep(Step step) {
    if (firstStep < 0) {
      firstStep = step.step() - 1; // a resumed run starts past 0: its ETA counts only its own pace
    }
    String line = describe(step);
    if (terminal) {
      String padding = " ".repeat(Math.max(0, drawnWidth - line.length()));
      err.print("\r" + line + padding);
      drawnWidth = line.length();
      if (step.step() == step.totalSteps()) {
        finish();
      }
    } else {
      long bucket = step.step() * PLAIN_LINES / step.totalSteps();
      if (bucket > lastBucket || step.step() == step.totalSteps()) {
        err.println(line);
        lastBucket = bucket;
      }
    }
    err.flush();
  }

  @Override
  public void onValidation(long step, double validationLoss, boolean improved) {
    message(
        String.format(
            Locale.ROOT,
            "step %d: validation loss %.4f%s",
            step,
            validationLoss,
            improved ? " (best)" : ""));
  }

  @Override
  public void onCheckpoint(long step, Path dir) {
    message("step " + step + ": checkpoint " + dir);
  }

  /** Ends the bar's line, if one is drawn (a run that stops early never reaches its last step). */
  void finish() {
    if (drawnWidth > 0) {
      err.println();
      err.flush();
      drawnWidth = 0;
    }
  }

  private void message(String text) {
    finish();
    err.println(text);
    err.flush();
  }

  private String describe(Step step) {
    long done = step.step();
    long total = step.totalSteps();
    int filled = (int) (WIDTH * done / total);
    double secondsPerStep = (nanoClock.getAsLong() - started) / 1e9 / (done - firstStep);
    return String.format(
        Locale.ROOT,
        "step %d/%d [%s%s] loss %.4f | %,.0f tok/s | ETA %s",
        done,
        total,
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        step.loss(),
        step.tokensPerSecond(),
        duration(Math.round(secondsPerStep * (total - done))));
  }

  static String duration(long seconds) {
    if (seconds >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds / 60 % 60);
    }
    return seconds >= 60
        ? String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60)
        : seconds + "s";
  }
}

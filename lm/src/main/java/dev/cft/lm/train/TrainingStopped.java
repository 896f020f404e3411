package dev.cft.lm.train;

/**
 * A run stopped on request ({@link TrainingListener#stopRequested}) after writing a checkpoint at
 * {@link #step()}: resuming from it continues exactly where the run left off.
 */
public final class TrainingStopped extends RuntimeException {
  private final long step;

  public TrainingStopped(long step) {
    super("stopped on request after step " + step + ", checkpointed");
    this.step = step;
  }

  public long step() {
    return step;
  }
}

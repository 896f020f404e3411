package dev.cft.train.messaging;

/** SmallRye channel names; their topics are in application.properties. */
public final class Channels {
  public static final String DATASETS_READY = "datasets-ready";
  public static final String TRAINING_JOBS = "training-jobs";
  public static final String TRAINING_PROGRESS = "training-progress";
  public static final String CANDIDATES_READY = "candidates-ready";
  public static final String TRAINING_CANCELLATIONS = "training-cancellations";

  private Channels() {}
}

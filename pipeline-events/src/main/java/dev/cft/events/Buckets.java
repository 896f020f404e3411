package dev.cft.events;

import java.util.List;

/** Default bucket names. Services read theirs from configuration and fall back to these. */
public final class Buckets {

  public static final String INGEST = "ingest";
  public static final String QUARANTINE = "quarantine";
  public static final String DATASETS = "datasets";
  public static final String CHECKPOINTS = "checkpoints";
  public static final String MODELS = "models";
  public static final String EVALS = "evals";

  /** Files uploaded through the API and the API's fine-tuning jobs (deploy-service's). */
  public static final String FINE_TUNING = "fine-tuning";

  public static final List<String> ALL =
      List.of(INGEST, QUARANTINE, DATASETS, CHECKPOINTS, MODELS, EVALS, FINE_TUNING);

  private Buckets() {}
}

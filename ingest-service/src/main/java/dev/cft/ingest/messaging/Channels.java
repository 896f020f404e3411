package dev.cft.ingest.messaging;

/** SmallRye channel names; their topics are in application.properties. */
public final class Channels {
  /** S3 notifications in (the store's and the scan's). */
  public static final String OBJECTS_IN = "ingest-objects";

  /** The scan's notifications out, to the same topic. */
  public static final String OBJECTS_SCANNED = "ingest-objects-scanned";

  /** Fine-tuning jobs created through the API ({@code fine_tuning.requests}). */
  public static final String FINE_TUNING_REQUESTS = "fine-tuning-requests";

  public static final String DATASETS_READY = "datasets-ready";
  public static final String INGEST_REJECTED = "ingest-rejected";

  private Channels() {}
}

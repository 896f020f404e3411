package dev.cft.events.serde;

import dev.cft.events.TrainingCancelRequested;

public final class TrainingCancelRequestedDeserializer
    extends EventDeserializer<TrainingCancelRequested> {

  public TrainingCancelRequestedDeserializer() {
    super(TrainingCancelRequested.class);
  }
}

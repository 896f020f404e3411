package dev.cft.events.serde;

import dev.cft.events.TrainingJobEvent;

public final class TrainingJobEventDeserializer extends EventDeserializer<TrainingJobEvent> {

  public TrainingJobEventDeserializer() {
    super(TrainingJobEvent.class);
  }
}

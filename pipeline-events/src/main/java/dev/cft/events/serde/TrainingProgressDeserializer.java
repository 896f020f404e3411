package dev.cft.events.serde;

import dev.cft.events.TrainingProgress;

public final class TrainingProgressDeserializer extends EventDeserializer<TrainingProgress> {

  public TrainingProgressDeserializer() {
    super(TrainingProgress.class);
  }
}

package dev.cft.events.serde;

import dev.cft.events.FineTuningRequested;

public final class FineTuningRequestedDeserializer extends EventDeserializer<FineTuningRequested> {

  public FineTuningRequestedDeserializer() {
    super(FineTuningRequested.class);
  }
}

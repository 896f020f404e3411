package dev.cft.events.serde;

import dev.cft.events.DatasetReady;

public final class DatasetReadyDeserializer extends EventDeserializer<DatasetReady> {

  public DatasetReadyDeserializer() {
    super(DatasetReady.class);
  }
}

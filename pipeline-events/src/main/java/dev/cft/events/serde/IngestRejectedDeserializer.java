package dev.cft.events.serde;

import dev.cft.events.IngestRejected;

public final class IngestRejectedDeserializer extends EventDeserializer<IngestRejected> {

  public IngestRejectedDeserializer() {
    super(IngestRejected.class);
  }
}

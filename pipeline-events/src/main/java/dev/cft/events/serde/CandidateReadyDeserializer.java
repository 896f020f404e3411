package dev.cft.events.serde;

import dev.cft.events.CandidateReady;

public final class CandidateReadyDeserializer extends EventDeserializer<CandidateReady> {

  public CandidateReadyDeserializer() {
    super(CandidateReady.class);
  }
}

package dev.cft.events.serde;

import dev.cft.events.EvaluationCompleted;

public final class EvaluationCompletedDeserializer extends EventDeserializer<EvaluationCompleted> {

  public EvaluationCompletedDeserializer() {
    super(EvaluationCompleted.class);
  }
}

package dev.cft.events.serde;

import dev.cft.events.ModelPromoted;

public final class ModelPromotedDeserializer extends EventDeserializer<ModelPromoted> {

  public ModelPromotedDeserializer() {
    super(ModelPromoted.class);
  }
}

package dev.cft.events.serde;

import dev.cft.events.ObjectLanded;

public final class ObjectLandedDeserializer extends EventDeserializer<ObjectLanded> {

  public ObjectLandedDeserializer() {
    super(ObjectLanded.class);
  }
}

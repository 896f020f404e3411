package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A mapper set up as Quarkus sets up the one that binds request bodies: every Jackson module on the
 * class path (the parameter-names module changes how single-argument creators bind) and unknown
 * properties ignored.
 */
public final class QuarkusJson {
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .findAndRegisterModules()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private QuarkusJson() {}
}

package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One choice of an answer (there is one: {@code n} > 1 is refused). Its {@code finish_reason} is
 * {@code stop} or {@code length}, or null in a stream until its last chunk.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public interface Choice {
  /** Always null: logprobs are refused. */
  @JsonProperty
  default Object logprobs() {
    return null;
  }
}

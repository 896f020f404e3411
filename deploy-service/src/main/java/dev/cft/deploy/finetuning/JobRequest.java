package dev.cft.deploy.finetuning;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * What a fine-tuning job was created with; written once, never changed.
 *
 * @param model as the caller named it (a domain, a version {@code <domain>:v<N>}, or a base)
 * @param startFrom what training starts from, resolved when the job was created: a version {@code
 *     <domain>:v<N>} (a domain's production then), or a base reference
 * @param domain the model line it trains: the suffix, else the domain of {@code model}
 * @param epochs null: the pipeline's choice ("auto")
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobRequest(
    String id,
    long createdAt,
    String model,
    String startFrom,
    String domain,
    String trainingFile,
    String validationFile,
    long seed,
    Integer epochs,
    Integer batchSize,
    Double learningRateMultiplier,
    Map<String, String> metadata,
    String createdBy) {

  public JobRequest {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}

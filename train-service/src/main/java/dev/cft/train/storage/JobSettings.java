package dev.cft.train.storage;

import dev.cft.train.config.TrainConfig;

/**
 * The training settings a job was accepted with; a worker that resumes it uses these, not its own.
 */
public record JobSettings(
    String baseModel,
    int epochs,
    long maxSteps,
    double learningRate,
    int batchSize,
    int contextLength,
    double dropout,
    int checkpointEvery,
    double replayRatio,
    long seed,
    int minStepsFromScratch) {

  /**
   * These settings with a domain's overrides applied ({@code models/<domain>/training.json}, the
   * same names, e.g. {@code {"epochs": 5, "learningRate": 1e-4}}).
   *
   * @throws IllegalArgumentException naming a setting that does not exist or a value of the wrong
   *     type
   */
  public JobSettings with(com.fasterxml.jackson.databind.JsonNode overrides) {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode merged = json.valueToTree(this);
    java.util.Iterator<String> names = overrides.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!merged.has(name)) {
        throw new IllegalArgumentException(
            "unknown setting '"
                + name
                + "' (known: "
                + String.join(", ", fieldNames(merged))
                + ")");
      }
      merged.set(name, overrides.get(name));
    }
    try {
      return json.treeToValue(merged, JobSettings.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "a setting has a value of the wrong type: " + e.getOriginalMessage(), e);
    }
  }

  private static java.util.List<String> fieldNames(com.fasterxml.jackson.databind.JsonNode node) {
    java.util.List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  public static JobSettings of(TrainConfig config) {
    return new JobSettings(
        config.baseModel(),
        config.epochs(),
        config.maxSteps(),
        config.learningRate(),
        config.batchSize(),
        config.contextLength(),
        config.dropout(),
        config.checkpointEvery(),
        config.replayRatio(),
        config.seed(),
        config.minStepsFromScratch());
  }
}

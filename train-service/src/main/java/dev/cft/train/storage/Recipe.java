package dev.cft.train.storage;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which weights a job trains. */
public enum Recipe {
  /** LoRA for a base of at least {@link JobSettings#loraFromParameters()} parameters, else full. */
  AUTO,
  /** Every weight. */
  FULL,
  /** Low-rank adapters on the projections, merged into the weights when the job ends. */
  LORA;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  @JsonCreator
  public static Recipe of(String id) {
    for (Recipe recipe : values()) {
      if (recipe.id().equalsIgnoreCase(id == null ? "" : id.strip())) {
        return recipe;
      }
    }
    throw new IllegalArgumentException("recipe '" + id + "' is not known: auto, full or lora");
  }
}

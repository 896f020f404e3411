package dev.cft.events;

import java.util.Locale;

/**
 * How a domain's candidates reach production once they pass the gate ({@code
 * evals/<domain>/gate.json}, {@code "promotion": "auto" | "manual"}): at once, or when a person
 * approves them ({@code POST /models/{domain}/versions/{v}/promote}).
 */
public enum Promotion {
  AUTO,
  MANUAL;

  /**
   * @throws IllegalArgumentException naming the value and what is allowed
   */
  public static Promotion parse(String value) {
    for (Promotion promotion : values()) {
      if (promotion.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return promotion;
      }
    }
    throw new IllegalArgumentException(
        "promotion is '" + value + "': it must be \"auto\" or \"manual\"");
  }

  /** As {@code gate.json} spells it. */
  public String setting() {
    return name().toLowerCase(Locale.ROOT);
  }
}

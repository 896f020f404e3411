package dev.cft.events;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Event id generation, kept in one place so every service forms ids the same way. */
public final class EventIds {

  private EventIds() {}

  public static String random() {
    return UUID.randomUUID().toString();
  }

  /**
   * The same parts always give the same id, so a redelivered or re-derived event deduplicates. Each
   * part is length-prefixed: object keys may contain any separator we could pick.
   */
  public static String deterministic(Object... parts) {
    StringBuilder joined = new StringBuilder();
    for (Object part : parts) {
      String text = String.valueOf(part);
      joined.append(text.length()).append(':').append(text);
    }
    return UUID.nameUUIDFromBytes(joined.toString().getBytes(StandardCharsets.UTF_8)).toString();
  }
}

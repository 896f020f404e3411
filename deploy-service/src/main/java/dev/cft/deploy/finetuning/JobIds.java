package dev.cft.deploy.finetuning;

import dev.cft.events.EventIds;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids of API objects. Jobs and files are {@code <prefix>-<millis, 12 hex>-<12 hex>}, so the store
 * lists them in creation order; entries derived from a pipeline event get the same id each time the
 * event is delivered.
 */
public final class JobIds {
  public static final String JOB = "ftjob";
  public static final String FILE = "file";
  public static final String EVENT = "ftevent";
  public static final String CHECKPOINT = "ftckpt";

  private static final java.util.regex.Pattern ID =
      java.util.regex.Pattern.compile("[a-z]+-[0-9a-f]{12}-[0-9a-f]{12}");

  private JobIds() {}

  public static String next(String prefix) {
    byte[] random = new byte[6];
    ThreadLocalRandom.current().nextBytes(random);
    return prefix + "-" + stem(Instant.now()) + "-" + HexFormat.of().formatHex(random);
  }

  /** Same {@code source} and time, same id. */
  public static String derived(String prefix, Instant at, String source) {
    return prefix
        + "-"
        + stem(at)
        + "-"
        + EventIds.deterministic(prefix, source).replace("-", "").substring(0, 12);
  }

  /** Whether {@code id} has the shape of this API's ids of {@code prefix}: safe in a key. */
  public static boolean isId(String prefix, String id) {
    return id != null && ID.matcher(id).matches() && id.startsWith(prefix + "-");
  }

  /** Whether a correlation id names an API job (the chain it started). */
  public static boolean isJob(String correlationId) {
    return correlationId != null && correlationId.startsWith(JOB + "-");
  }

  private static String stem(Instant at) {
    return String.format("%012x", at.toEpochMilli());
  }
}

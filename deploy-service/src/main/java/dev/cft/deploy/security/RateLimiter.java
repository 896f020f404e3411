package dev.cft.deploy.security;

import dev.cft.deploy.config.DeployConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests a minute per caller, as a token bucket that refills continuously (a burst of a minute's
 * allowance, then one request per 60/N seconds). Buckets idle for over a minute are full, so they
 * are dropped, which keeps the map to the callers of the last minute.
 */
@ApplicationScoped
public class RateLimiter {
  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final int perMinute;
  private final java.util.function.LongSupplier clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  @jakarta.inject.Inject
  public RateLimiter(DeployConfig config) {
    this(config.limits().requestsPerMinute(), System::nanoTime);
  }

  /**
   * @param clock nanoseconds, as {@link System#nanoTime}
   */
  RateLimiter(int perMinute, java.util.function.LongSupplier clock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  /** Takes one request of {@code caller}'s allowance; false when there is none left. */
  public boolean tryAcquire(String caller) {
    if (perMinute <= 0) {
      return true;
    }
    long now = clock.getAsLong();
    if (buckets.size() > 10_000) {
      buckets.values().removeIf(b -> now - b.at > MINUTE_NANOS);
    }
    Bucket bucket = buckets.computeIfAbsent(caller, c -> new Bucket(perMinute, now));
    synchronized (bucket) {
      bucket.tokens =
          Math.min(
              perMinute, bucket.tokens + (now - bucket.at) * (double) perMinute / MINUTE_NANOS);
      bucket.at = now;
      if (bucket.tokens < 1) {
        return false;
      }
      bucket.tokens -= 1;
      return true;
    }
  }

  /** Seconds for one request's allowance to refill (a caller refused now has one by then). */
  public long retryAfterSeconds() {
    return Math.max(1, (long) Math.ceil(60.0 / Math.max(1, perMinute)));
  }
}

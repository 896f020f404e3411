package dev.cft.runtime.store;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Retries a store request while the store is unreachable or overloaded, with exponential backoff
 * and jitter, for up to a configured time: a store that comes back within it costs the pipeline a
 * delay, not a dead-lettered record. Answers that will not change (no such key, access denied) are
 * not retried.
 */
final class StoreRetry {
  private static final Logger LOG = Logger.getLogger(StoreRetry.class);
  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "SlowDown",
          "InternalError",
          "ServiceUnavailable",
          "RequestTimeout",
          "XMinioServerNotInitialized");
  private static final long FIRST_WAIT_MS = 250;
  private static final long LONGEST_WAIT_MS = 15_000;

  interface Call<T> {
    T run() throws Exception;
  }

  private final Duration retryFor;

  StoreRetry(Duration retryFor) {
    this.retryFor = retryFor;
  }

  <T> T run(String what, Call<T> call) throws Exception {
    long deadline = System.nanoTime() + retryFor.toNanos();
    long wait = FIRST_WAIT_MS;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.run();
      } catch (Exception e) {
        if (!isTransient(e) || System.nanoTime() + wait * 1_000_000 > deadline) {
          throw e;
        }
        if (attempt == 1 || attempt % 5 == 0) {
          LOG.warnf("%s: the store did not answer (%s); retrying for up to %s", what, e, retryFor);
        }
        Thread.sleep(wait + ThreadLocalRandom.current().nextLong(wait / 2 + 1));
        wait = Math.min(LONGEST_WAIT_MS, wait * 2);
      }
    }
  }

  /** Unreachable (connection refused, reset, timed out) or a 5xx / throttling answer. */
  static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ErrorResponseException error) {
        return TRANSIENT_CODES.contains(error.errorResponse().code());
      }
      if (t instanceof java.nio.file.FileSystemException) {
        return false; // this machine's disk, not the store
      }
      // The SDK's answers from the store are not IOExceptions; an IOException is the way there
      // (refused, reset, cut short, timed out).
      if (t instanceof ServerException || t instanceof java.io.IOException) {
        return true;
      }
    }
    return false;
  }
}

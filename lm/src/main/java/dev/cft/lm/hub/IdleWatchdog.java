package dev.cft.lm.hub;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a download's stream once it has received nothing for a while: {@code java.net.http} has no
 * read timeout on a body, so a stalled connection would otherwise block for ever (and a job with
 * it, its heartbeat still beating). The blocked read then fails and the download resumes.
 */
final class IdleWatchdog extends FilterInputStream {
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "hub-download-watchdog");
            thread.setDaemon(true);
            return thread;
          });

  private final long timeoutNanos;
  private final ScheduledFuture<?> check;
  private volatile long lastRead = System.nanoTime();
  private volatile boolean stalled;

  private IdleWatchdog(InputStream in, Duration timeout) {
    super(in);
    this.timeoutNanos = timeout.toNanos();
    long period = Math.max(10, timeout.toMillis() / 10);
    this.check =
        TIMER.scheduleAtFixedRate(this::closeIfIdle, period, period, TimeUnit.MILLISECONDS);
  }

  static InputStream watch(InputStream in, Duration timeout) {
    return new IdleWatchdog(in, timeout);
  }

  private void closeIfIdle() {
    if (System.nanoTime() - lastRead > timeoutNanos) {
      stalled = true;
      check.cancel(false);
      try {
        in.close();
      } catch (IOException e) {
        // closing is all we want; a read in progress fails either way
      }
    }
  }

  @Override
  public int read() throws IOException {
    return guarded(super.read());
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    return guarded(super.read(buffer, offset, length));
  }

  private int guarded(int result) throws IOException {
    if (stalled) {
      throw new IOException(
          "the download received nothing for " + timeoutNanos / 1_000_000_000 + " s");
    }
    lastRead = System.nanoTime();
    return result;
  }

  @Override
  public void close() throws IOException {
    check.cancel(false);
    super.close();
  }
}

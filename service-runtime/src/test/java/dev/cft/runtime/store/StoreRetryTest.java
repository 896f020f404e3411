package dev.cft.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StoreRetryTest {
  @Test
  void networkFailuresAreTransientAnswersAndLocalDisksAreNot() {
    assertTrue(StoreRetry.isTransient(new ConnectException("refused")));
    assertTrue(StoreRetry.isTransient(new IOException("unexpected end of stream")));
    assertTrue(
        StoreRetry.isTransient(new UncheckedIOException(new java.net.SocketTimeoutException())));
    assertFalse(StoreRetry.isTransient(new NoSuchFileException("/tmp/x")));
    assertFalse(StoreRetry.isTransient(new IllegalArgumentException("bad key")));
  }

  @Test
  void aTransientFailureIsRetriedUntilItPassesAndAPermanentOneIsNot() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    StoreRetry retry = new StoreRetry(Duration.ofSeconds(10));
    String result =
        retry.run(
            "test",
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new ConnectException("refused");
              }
              return "done";
            });
    assertEquals("done", result);
    assertEquals(3, calls.get());

    calls.set(0);
    assertThrows(
        IllegalStateException.class,
        () ->
            retry.run(
                "test",
                () -> {
                  calls.incrementAndGet();
                  throw new IllegalStateException("no");
                }));
    assertEquals(1, calls.get(), "not retried");
  }

  @Test
  void retriesStopAtTheConfiguredTime() {
    AtomicInteger calls = new AtomicInteger();
    long start = System.nanoTime();
    assertThrows(
        ConnectException.class,
        () ->
            new StoreRetry(Duration.ofMillis(600))
                .run(
                    "test",
                    () -> {
                      calls.incrementAndGet();
                      throw new ConnectException("refused");
                    }));
    long took = (System.nanoTime() - start) / 1_000_000;
    assertTrue(calls.get() >= 2 && took < 3000, calls.get() + " calls in " + took + " ms");
  }
}

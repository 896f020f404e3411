package dev.cft.deploy.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  static final long SECOND = 1_000_000_000L;

  @Test
  void aMinutesAllowanceAtOnceThenOneRequestPerItsShareOfAMinute() {
    AtomicLong now = new AtomicLong(0);
    RateLimiter limiter = new RateLimiter(6, now::get);
    for (int i = 0; i < 6; i++) {
      assertTrue(limiter.tryAcquire("a"), "request " + (i + 1) + " of the burst");
    }
    assertFalse(limiter.tryAcquire("a"), "the 7th in the same instant");
    assertTrue(limiter.tryAcquire("b"), "another caller has its own allowance");
    now.addAndGet(9 * SECOND);
    assertFalse(limiter.tryAcquire("a"), "9 s refill 0.9 of a request");
    now.addAndGet(SECOND);
    assertTrue(limiter.tryAcquire("a"), "10 s refill one (60 s / 6)");
    assertFalse(limiter.tryAcquire("a"));
    assertEquals(10, limiter.retryAfterSeconds());
  }

  @Test
  void anIdleCallerRefillsToAMinutesAllowanceNotMore() {
    AtomicLong now = new AtomicLong(0);
    RateLimiter limiter = new RateLimiter(3, now::get);
    limiter.tryAcquire("a");
    now.addAndGet(3600 * SECOND);
    int granted = 0;
    while (limiter.tryAcquire("a")) {
      granted++;
    }
    assertEquals(3, granted);
  }

  @Test
  void zeroMeansUnlimited() {
    RateLimiter limiter = new RateLimiter(0, () -> 0);
    for (int i = 0; i < 1000; i++) {
      assertTrue(limiter.tryAcquire("a"));
    }
  }
}

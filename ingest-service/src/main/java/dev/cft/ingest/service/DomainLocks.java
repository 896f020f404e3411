package dev.cft.ingest.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One domain's work one at a time in this process: dropped files and API jobs arrive on two
 * channels, and two new versions of one domain made at once would take the same number.
 */
@ApplicationScoped
public class DomainLocks {
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  public <T> T run(String domain, Supplier<T> work) {
    synchronized (locks.computeIfAbsent(domain, d -> new Object())) {
      return work.get();
    }
  }
}

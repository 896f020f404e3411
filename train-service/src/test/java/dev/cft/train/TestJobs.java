package dev.cft.train;

import dev.cft.events.DatasetReady;
import dev.cft.events.EventIds;
import java.time.Instant;
import java.util.List;

/** Events and records of jobs for tests that need no data behind them. */
final class TestJobs {
  private TestJobs() {}

  /** Version 1 of {@code domain}, as ingest would announce it (its files are not written). */
  static DatasetReady dataset(String domain, Instant at) {
    return new DatasetReady(
        EventIds.random(),
        "corr-" + domain,
        domain,
        at,
        1,
        "datasets",
        domain + "/v1/",
        domain + "/v1/" + DatasetReady.MANIFEST_FILE,
        40,
        4,
        1000,
        "0".repeat(64),
        List.of("ingest/" + domain + "/file.jsonl"),
        null,
        null);
  }
}

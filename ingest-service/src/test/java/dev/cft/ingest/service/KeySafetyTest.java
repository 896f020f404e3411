package dev.cft.ingest.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys ingest will address, and domains it will make versions for. */
class KeySafetyTest {

  @ParameterizedTest
  @ValueSource(strings = {"support/a.jsonl", "support/2025/q1 tickets.csv", "d/.hidden.jsonl"})
  void keysOfNamesAreSafe(String key) {
    assertTrue(IngestService.safe(key), key);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"support//a.jsonl", "support/./a.jsonl", "support/../models/x", "/abs", "d/"})
  void emptyDotAndDotDotSegmentsAreNot(String key) {
    assertFalse(IngestService.safe(key), key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"support", "legal-EU", "a.b_c", "v2.0"})
  void domainsAreUrlSafeNames(String domain) {
    assertTrue(IngestService.DOMAIN.matcher(domain).matches(), domain);
  }

  @ParameterizedTest
  @ValueSource(strings = {"_ingested", "-x", "a b", "a:b", "ünicode", ""})
  void otherDomainsAreRefused(String domain) {
    assertFalse(IngestService.DOMAIN.matcher(domain).matches(), domain);
  }

  @Test
  void aDomainIsAtMost64Characters() {
    assertTrue(IngestService.DOMAIN.matcher("x".repeat(64)).matches());
    assertFalse(IngestService.DOMAIN.matcher("x".repeat(65)).matches());
  }
}

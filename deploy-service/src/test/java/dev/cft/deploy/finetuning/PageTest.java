package dev.cft.deploy.finetuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PageTest {
  static final List<String> IDS = List.of("a1", "a2", "a3", "a4", "a5");

  @Test
  void pagesRunNewestFirstAfterTheLastIdSeen() {
    Page<String> first = Page.of(IDS, null, 2, id -> id);
    assertEquals(List.of("a5", "a4"), first.data());
    assertTrue(first.hasMore());
    Page<String> second = Page.of(IDS, first.lastId(), 2, id -> id);
    assertEquals(List.of("a3", "a2"), second.data());
    Page<String> last = Page.of(IDS, second.lastId(), 2, id -> id);
    assertEquals(List.of("a1"), last.data());
    assertFalse(last.hasMore());
  }

  @Test
  void afterAnIdNoLongerListedContinuesWithOlderOnes() {
    assertEquals(List.of("a2", "a1"), Page.of(IDS, "a2x", 5, id -> id).data());
  }
}

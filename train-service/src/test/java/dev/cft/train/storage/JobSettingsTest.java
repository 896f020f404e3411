package dev.cft.train.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.events.FineTuning;
import org.junit.jupiter.api.Test;

class JobSettingsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A domain's settings: training.json over the service's defaults. */
  static JobSettings domain() throws Exception {
    return JobSettings.of(TrainConfigs.defaults())
        .with(JSON.readTree("{\"epochs\": 5, \"batchSize\": 8, \"seed\": 3, \"maxSteps\": 70}"));
  }

  @Test
  void whatAnApiJobAskedForOverridesTheDomainsSettings() throws Exception {
    JobSettings asked = domain().withFineTuning(new FineTuning("ftjob-1", "m", 2, 4, 0.5, 99L));
    assertEquals(2, asked.epochs());
    assertEquals(4, asked.batchSize());
    assertEquals(99L, asked.seed());
    assertEquals(0.5, asked.learningRateMultiplier());
    assertEquals(70, asked.maxSteps(), "what it does not name stays the domain's");
    assertEquals("tiny", asked.baseModel(), "its model is where the job starts, not a setting");
  }

  @Test
  void whatAnApiJobLeavesOutStaysTheDomainsSetting() throws Exception {
    JobSettings domain = domain();
    JobSettings asked =
        domain.withFineTuning(new FineTuning("ftjob-2", null, null, null, null, null));
    assertEquals(domain, asked);
    assertEquals(5, asked.epochs());
    assertEquals(8, asked.batchSize());
    assertEquals(3L, asked.seed());
    assertEquals(1.0, asked.learningRateMultiplier());
    assertEquals(
        3, domain.withFineTuning(new FineTuning("ftjob-3", null, 3, null, null, null)).epochs());
    assertEquals(
        8, domain.withFineTuning(new FineTuning("ftjob-3", null, 3, null, null, null)).batchSize());
    assertSame(domain, domain.withFineTuning(null), "a version made from dropped files");
  }
}

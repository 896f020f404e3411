package dev.cft.deploy;

import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.ServiceHealthContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * deploy-service against the real broker and the real S3 server: ready, and still ready (the outage
 * in its checks) while either is gone.
 */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class DeployServiceIT extends ServiceHealthContract {
  /** Serving works on from memory: deploy stays ready through a broker or store outage. */
  @Override
  protected boolean dependenciesGateReadiness() {
    return false;
  }

  @Override
  protected String consumedTopic() {
    return dev.cft.events.Topics.EVALUATIONS_COMPLETED;
  }
}

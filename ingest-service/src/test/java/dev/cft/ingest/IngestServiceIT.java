package dev.cft.ingest;

import dev.cft.stack.test.LocalStackResource;
import dev.cft.stack.test.ServiceHealthContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** ingest-service against the real broker and the real S3 server: ready, not ready, ready again. */
@QuarkusTest
@WithTestResource(LocalStackResource.class)
class IngestServiceIT extends ServiceHealthContract {
  @Override
  protected String consumedTopic() {
    return dev.cft.events.Topics.INGEST_OBJECTS;
  }
}

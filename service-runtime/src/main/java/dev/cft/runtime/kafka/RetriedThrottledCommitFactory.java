package dev.cft.runtime.kafka;

import io.quarkus.arc.Unremovable;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.commit.KafkaCommitHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** Makes a {@link RetriedThrottledCommit} for each channel that selects it by name. */
@ApplicationScoped
@Identifier(RetriedThrottledCommit.STRATEGY)
@Unremovable // looked up by name when a channel starts
public class RetriedThrottledCommitFactory implements KafkaCommitHandler.Factory {
  @Override
  public KafkaCommitHandler create(
      KafkaConnectorIncomingConfiguration config,
      io.vertx.mutiny.core.Vertx vertx,
      KafkaConsumer<?, ?> consumer,
      BiConsumer<Throwable, Boolean> reportFailure) {
    var settings = config.config();
    return new RetriedThrottledCommit(
        vertx,
        consumer,
        reportFailure,
        (String) consumer.configuration().get(ConsumerConfig.GROUP_ID_CONFIG),
        settings
            .getOptionalValue(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, Integer.class)
            .orElse(5000),
        settings
            .getOptionalValue(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.class)
            .orElse(60000),
        config.getThrottledUnprocessedRecordMaxAgeMs());
  }
}

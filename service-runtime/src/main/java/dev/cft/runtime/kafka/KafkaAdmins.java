package dev.cft.runtime.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Admin clients on the service's {@code kafka.*} settings (TLS, SASL), with bounded waits. */
final class KafkaAdmins {
  private KafkaAdmins() {}

  static Admin create(Map<String, Object> kafkaConfig, Duration timeout, String clientId) {
    Set<String> adminKeys = AdminClientConfig.configNames();
    Map<String, Object> config = new HashMap<>();
    kafkaConfig.forEach(
        (key, value) -> {
          if (adminKeys.contains(key)) {
            config.put(key, value);
          }
        });
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    // Find a restarted broker within a probe period, not after the default 1 s → 10 s backoff.
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    return Admin.create(config);
  }
}

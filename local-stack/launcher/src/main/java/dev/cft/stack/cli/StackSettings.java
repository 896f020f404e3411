package dev.cft.stack.cli;

import io.minio.MinioClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;

/**
 * Ports and credentials of one local pipeline, kept in {@code <state>/stack.properties} by {@code
 * up} so that the supervisor, {@code status} and {@code down} agree on them. The S3 secret is drawn
 * at random the first time and kept (owner-readable only).
 */
record StackSettings(
    Map<Part, Integer> ports,
    Map<Part, Integer> managementPorts,
    int kafkaControllerPort,
    String accessKey,
    String secretKey,
    String adminKey) {
  static final String FILE = "stack.properties";
  static final String DEFAULT_ACCESS_KEY = "cft-local";

  StackSettings {
    ports = Map.copyOf(ports);
    managementPorts = Map.copyOf(managementPorts);
  }

  int port(Part part) {
    return ports.get(part);
  }

  String kafkaBootstrap() {
    return "127.0.0.1:" + port(Part.KAFKA);
  }

  String s3Endpoint() {
    return "http://127.0.0.1:" + port(Part.S3);
  }

  String serviceUrl(Part part) {
    return "http://127.0.0.1:" + port(part);
  }

  /** Where a service answers health and metrics: its management interface. */
  int managementPort(Part service) {
    return managementPorts.get(service);
  }

  String managementUrl(Part service) {
    return "http://127.0.0.1:" + managementPort(service);
  }

  /** The broker and S3 server of this pipeline, with their state under {@code stateDir}. */
  dev.cft.stack.LocalStack.Settings localStack(Path stateDir) {
    return new dev.cft.stack.LocalStack.Settings(
        stateDir,
        port(Part.KAFKA),
        kafkaControllerPort,
        port(Part.S3),
        accessKey,
        secretKey,
        dev.cft.stack.StackDefaults.BUCKETS,
        dev.cft.stack.StackDefaults.topicSpecs(),
        null);
  }

  /** A client of this stack's S3 server; close it (it owns an HTTP client). */
  MinioClient s3Client() {
    return MinioClient.builder()
        .endpoint(s3Endpoint())
        .region("us-east-1")
        .credentials(accessKey, secretKey)
        .build();
  }

  /** Settings for a new start: the given ports, credentials from the environment or kept ones. */
  static StackSettings fresh(
      Map<Part, Integer> ports,
      Map<Part, Integer> managementPorts,
      int controllerPort,
      Path stateDir) {
    String access = System.getenv("CFT_S3_ACCESS_KEY");
    String secret = System.getenv("CFT_S3_SECRET_KEY");
    StackSettings kept = Files.exists(stateDir.resolve(FILE)) ? load(stateDir) : null;
    if (access == null || secret == null) {
      access = kept != null ? kept.accessKey() : DEFAULT_ACCESS_KEY;
      secret = kept != null ? kept.secretKey() : randomSecret();
    }
    String admin = kept != null && kept.adminKey() != null ? kept.adminKey() : randomSecret();
    return new StackSettings(ports, managementPorts, controllerPort, access, secret, admin);
  }

  private static String randomSecret() {
    byte[] bytes = new byte[20];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  void save(Path stateDir) {
    Properties p = new Properties();
    ports.forEach((part, port) -> p.setProperty("port." + part.id, Integer.toString(port)));
    managementPorts.forEach(
        (part, port) -> p.setProperty("port." + part.id + "-management", Integer.toString(port)));
    p.setProperty("port.kafka-controller", Integer.toString(kafkaControllerPort));
    p.setProperty("s3.access-key", accessKey);
    p.setProperty("s3.secret-key", secretKey);
    p.setProperty("deploy.admin-key", adminKey);
    Path file = stateDir.resolve(FILE);
    try {
      Files.createDirectories(stateDir);
      try (OutputStream out = Files.newOutputStream(file)) {
        p.store(
            out, "the local pipeline's ports, S3 credentials and deploy admin key (./pipeline up)");
      }
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static StackSettings load(Path stateDir) {
    Path file = stateDir.resolve(FILE);
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " (has ./pipeline up run here?)", e);
    }
    Map<Part, Integer> ports = new EnumMap<>(Part.class);
    for (Part part : Part.values()) {
      ports.put(part, Integer.parseInt(p.getProperty("port." + part.id, "" + part.defaultPort)));
    }
    Map<Part, Integer> management = new EnumMap<>(Part.class);
    for (Part service : Part.SERVICES) {
      String key = "port." + service.id + "-management";
      management.put(
          service, Integer.parseInt(p.getProperty(key, "" + service.defaultManagementPort)));
    }
    return new StackSettings(
        ports,
        management,
        Integer.parseInt(p.getProperty("port.kafka-controller", "9093")),
        p.getProperty("s3.access-key"),
        p.getProperty("s3.secret-key"),
        p.getProperty("deploy.admin-key"));
  }
}

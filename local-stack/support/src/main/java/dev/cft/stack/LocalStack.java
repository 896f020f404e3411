package dev.cft.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * The pipeline's infrastructure on one machine, no Docker: a real Apache Kafka broker (KRaft) and a
 * real S3 server, each a child JVM bound to 127.0.0.1, state under {@link Settings#stateDir()}.
 */
public final class LocalStack implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  /**
   * Where and how the stack runs.
   *
   * @param topics {@code name:partitions} specs, created before the broker reports ready
   * @param buckets created before the S3 server reports ready
   * @param secured TLS and SASL, or null for neither
   */
  public record Settings(
      Path stateDir,
      int kafkaPort,
      int kafkaControllerPort,
      int s3Port,
      String accessKey,
      String secretKey,
      List<String> buckets,
      List<String> topics,
      Secured secured) {
    public Settings {
      stateDir = stateDir.toAbsolutePath();
      buckets = List.copyOf(buckets);
      topics = List.copyOf(topics);
    }

    /** Settings for tests: free ports, the pipeline's buckets and topics, throwaway secrets. */
    public static Settings onFreePorts(Path stateDir) {
      return new Settings(
          stateDir,
          Ports.free(),
          Ports.free(),
          Ports.free(),
          "cft-test",
          "cft-test-secret",
          StackDefaults.BUCKETS,
          StackDefaults.topicSpecs(),
          null);
    }

    /**
     * The same stack with the S3 server on HTTPS only and a SASL_SSL listener (PLAIN, one user) on
     * the broker, on a port of its own, both with {@code tls}'s key pair.
     */
    public Settings secured(TlsFiles tls) {
      return new Settings(
          stateDir,
          kafkaPort,
          kafkaControllerPort,
          s3Port,
          accessKey,
          secretKey,
          buckets,
          topics,
          new Secured(tls, Ports.free(), "cft", UUID.randomUUID().toString()));
    }

    public Path s3Root() {
      return stateDir.resolve("s3");
    }

    public Path logDir() {
      return stateDir.resolve("logs");
    }

    public String kafkaBootstrap() {
      return "127.0.0.1:" + kafkaPort;
    }

    public String s3Endpoint() {
      return (secured == null ? "http" : "https") + "://127.0.0.1:" + s3Port;
    }
  }

  /**
   * TLS and SASL of a stack. The broker keeps its plain listener besides the SASL_SSL one, for the
   * stack's own topic creation.
   */
  public record Secured(TlsFiles tls, int kafkaPort, String user, String password) {
    public String kafkaBootstrap() {
      return "127.0.0.1:" + kafkaPort;
    }
  }

  private final Settings settings;
  private ChildJvm kafka;
  private ChildJvm s3;

  private LocalStack(Settings settings) {
    this.settings = settings;
  }

  /** Starts the broker and the S3 server side by side and returns once both answer. */
  public static LocalStack start(Settings settings) throws TimeoutException {
    LocalStack stack = new LocalStack(settings);
    try {
      stack.kafka = ChildJvm.start(kafkaSpec(settings));
      stack.s3 = ChildJvm.start(s3Spec(settings));
      stack.kafka.awaitLogLine(StackDefaults.READY, START_TIMEOUT);
      stack.s3.awaitLogLine(StackDefaults.READY, START_TIMEOUT);
      return stack;
    } catch (RuntimeException | TimeoutException e) {
      stack.close();
      throw e;
    }
  }

  static ChildJvm.Spec kafkaSpec(Settings s) {
    List<String> args = new ArrayList<>();
    args.add(s.stateDir().resolve("kafka").toString());
    args.add(Integer.toString(s.kafkaPort()));
    args.add(Integer.toString(s.kafkaControllerPort()));
    args.addAll(s.topics());
    return new ChildJvm.Spec(
        "kafka",
        ChildClasspath.of("local-kafka"),
        "dev.cft.stack.kafka.KafkaBrokerMain",
        args,
        List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"),
        s.secured() == null
            ? Map.of()
            : Map.of(
                "KAFKA_SASL_SSL_PORT", Integer.toString(s.secured().kafkaPort()),
                "KAFKA_SSL_KEYSTORE", s.secured().tls().keyStore().toString(),
                "KAFKA_SSL_KEYSTORE_PASSWORD", s.secured().tls().password(),
                "KAFKA_SASL_USER", s.secured().user(),
                "KAFKA_SASL_PASSWORD", s.secured().password()),
        s.logDir().resolve("kafka.log"));
  }

  static ChildJvm.Spec s3Spec(Settings s) {
    List<String> args = new ArrayList<>();
    args.add(s.s3Root().toString());
    args.add(Integer.toString(s.s3Port()));
    args.addAll(s.buckets());
    return new ChildJvm.Spec(
        "s3",
        ChildClasspath.of("local-s3"),
        "dev.cft.stack.s3.S3ServerMain",
        args,
        List.of("-Xmx256m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"),
        s3Environment(s),
        s.logDir().resolve("s3.log"));
  }

  private static Map<String, String> s3Environment(Settings s) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("S3_ACCESS_KEY", s.accessKey());
    env.put("S3_SECRET_KEY", s.secretKey());
    if (s.secured() != null) {
      env.put("S3_KEYSTORE", s.secured().tls().keyStore().toString());
      env.put("S3_KEYSTORE_PASSWORD", s.secured().tls().password());
    }
    return env;
  }

  public Settings settings() {
    return settings;
  }

  public String kafkaBootstrap() {
    return settings.kafkaBootstrap();
  }

  public String s3Endpoint() {
    return settings.s3Endpoint();
  }

  /** The configuration a pipeline service needs to use this stack. */
  public Map<String, String> serviceConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("kafka.bootstrap.servers", kafkaBootstrap());
    config.put("cft.s3.endpoint", s3Endpoint());
    config.put("cft.s3.access-key", settings.accessKey());
    config.put("cft.s3.secret-key", settings.secretKey());
    return config;
  }

  public synchronized List<ChildJvm> processes() {
    List<ChildJvm> running = new ArrayList<>();
    if (kafka != null) {
      running.add(kafka);
    }
    if (s3 != null) {
      running.add(s3);
    }
    return running;
  }

  /** Stops the broker (as a crash or an outage would look to clients); its data stays. */
  public synchronized void stopKafka() {
    kafka = stopped(kafka);
  }

  public synchronized void startKafka() throws TimeoutException {
    kafka = started(kafka, kafkaSpec(settings));
  }

  /**
   * Starts the S3 server of {@code settings} alone, as a child of this JVM (e.g. again after it
   * died under a running pipeline); returns once it answers.
   */
  public static ChildJvm startS3Server(Settings settings) throws TimeoutException {
    return started(null, s3Spec(settings));
  }

  /** Stops the S3 server; its objects stay on disk. */
  public synchronized void stopS3() {
    s3 = stopped(s3);
  }

  public synchronized void startS3() throws TimeoutException {
    s3 = started(s3, s3Spec(settings));
  }

  private static ChildJvm stopped(ChildJvm child) {
    if (child != null) {
      child.stop(STOP_GRACE);
    }
    return null;
  }

  private static ChildJvm started(ChildJvm current, ChildJvm.Spec spec) throws TimeoutException {
    if (current != null) {
      return current;
    }
    ChildJvm child = ChildJvm.start(spec);
    child.awaitLogLine(StackDefaults.READY, START_TIMEOUT);
    return child;
  }

  @Override
  public synchronized void close() {
    ChildJvm.stopAll(processes(), STOP_GRACE);
    kafka = null;
    s3 = null;
  }
}

package dev.cft.stack.kafka;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node KRaft Kafka (broker and controller in one process) on 127.0.0.1.
 *
 * <p>Arguments: {@code <data-dir> <port> <controller-port> [topic:partitions ...]}. Formats the
 * storage on first use, starts the server, creates the topics up front (so clients never see
 * UNKNOWN_TOPIC_OR_PARTITION) and prints {@value #READY} once a client has read the cluster's
 * metadata. The parent launches it through {@code ChildMain}, which ends it when the parent goes.
 */
public final class KafkaBrokerMain {
  public static final String READY = "CFT-READY";
  private static final long ADMIN_TIMEOUT_S = 60;

  private KafkaBrokerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println(
          "usage: KafkaBrokerMain <data-dir> <port> <controller-port> [topic:partitions ...]");
      System.exit(2);
    }
    Path dataDir = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    int controllerPort = Integer.parseInt(args[2]);
    List<NewTopic> topics = parseTopics(List.of(args).subList(3, args.length));

    Properties props = serverProperties(dataDir, port, controllerPort);
    addSaslSslListener(props, port, controllerPort, System.getenv());
    Path propsFile = dataDir.resolve("server.properties");
    Files.createDirectories(dataDir);
    try (OutputStream out = Files.newOutputStream(propsFile)) {
      props.store(out, "written by KafkaBrokerMain on every start");
    }
    formatIfNew(dataDir, propsFile);

    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown();
                  server.awaitShutdown();
                },
                "kafka-shutdown"));
    server.startup();

    String bootstrap = "127.0.0.1:" + port;
    createTopics(bootstrap, topics);
    System.out.println(READY + " kafka " + bootstrap);
    System.out.flush();
    server.awaitShutdown();
  }

  static Properties serverProperties(Path dataDir, int port, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", dataDir.resolve("logs").toString());
    // One node: every internal topic must live with a single replica.
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("num.partitions", "1");
    p.setProperty("auto.create.topics.enable", "true");
    return p;
  }

  /**
   * With {@code KAFKA_SASL_SSL_PORT} set: a SASL_SSL listener (PLAIN, the one user {@code
   * KAFKA_SASL_USER}/{@code KAFKA_SASL_PASSWORD}, key pair {@code KAFKA_SSL_KEYSTORE} PKCS12 with
   * {@code KAFKA_SSL_KEYSTORE_PASSWORD}) beside the plain one, which stays for the broker itself
   * and the topic creation below.
   */
  static void addSaslSslListener(
      Properties p, int port, int controllerPort, Map<String, String> env) {
    String securePort = env.get("KAFKA_SASL_SSL_PORT");
    if (securePort == null) {
      return;
    }
    String plain = "PLAINTEXT://127.0.0.1:" + port;
    String secure = "SASL_SSL://127.0.0.1:" + Integer.parseInt(securePort);
    p.setProperty("listeners", plain + "," + secure + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", plain + "," + secure);
    p.setProperty(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL");
    p.setProperty("sasl.enabled.mechanisms", "PLAIN");
    p.setProperty(
        "listener.name.sasl_ssl.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
            + env.get("KAFKA_SASL_USER")
            + "=\""
            + env.get("KAFKA_SASL_PASSWORD")
            + "\";");
    p.setProperty("ssl.keystore.type", "PKCS12");
    p.setProperty("ssl.keystore.location", env.get("KAFKA_SSL_KEYSTORE"));
    p.setProperty("ssl.keystore.password", env.get("KAFKA_SSL_KEYSTORE_PASSWORD"));
  }

  private static void formatIfNew(Path dataDir, Path propsFile) {
    if (Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
      return;
    }
    String[] format = {
      "format", "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString(), "--ignore-formatted"
    };
    int rc = StorageTool.execute(format, System.out);
    if (rc != 0) {
      throw new IllegalStateException("formatting Kafka storage in " + dataDir + " failed: " + rc);
    }
  }

  static List<NewTopic> parseTopics(List<String> specs) {
    List<NewTopic> topics = new ArrayList<>();
    for (String spec : specs) {
      int colon = spec.lastIndexOf(':');
      String name = colon < 0 ? spec : spec.substring(0, colon);
      int partitions = colon < 0 ? 1 : Integer.parseInt(spec.substring(colon + 1));
      topics.add(new NewTopic(name, partitions, (short) 1));
    }
    return topics;
  }

  private static void createTopics(String bootstrap, List<NewTopic> topics) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.describeCluster().nodes().get(ADMIN_TIMEOUT_S, TimeUnit.SECONDS);
      Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT_S, TimeUnit.SECONDS);
      List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(ADMIN_TIMEOUT_S, TimeUnit.SECONDS);
      }
    }
  }
}

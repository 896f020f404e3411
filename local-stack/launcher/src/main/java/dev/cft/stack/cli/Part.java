package dev.cft.stack.cli;

import java.util.List;

/** The parts of the local pipeline, in start order. */
enum Part {
  KAFKA("kafka", "Kafka broker", 9092, 0),
  S3("s3", "S3 server", 9000, 0),
  INGEST("ingest", "ingest-service", 8081, 9081),
  TRAIN("train", "train-service", 8082, 9082),
  EVAL("eval", "eval-service", 8083, 9083),
  DEPLOY("deploy", "deploy-service", 8080, 9080);

  static final List<Part> SERVICES = List.of(INGEST, TRAIN, EVAL, DEPLOY);

  final String id;
  final String title;
  final int defaultPort;

  /** A service's health and metrics port ({@code quarkus.management.port}); 0 for the others. */
  final int defaultManagementPort;

  Part(String id, String title, int defaultPort, int defaultManagementPort) {
    this.id = id;
    this.title = title;
    this.defaultPort = defaultPort;
    this.defaultManagementPort = defaultManagementPort;
  }

  /** The environment variable that moves this part's port (also an {@code up} option). */
  String portVariable() {
    return "CFT_" + id.toUpperCase() + "_PORT";
  }

  String portSetting() {
    return "--" + id + "-port or " + portVariable();
  }

  String managementPortSetting() {
    return "--" + id + "-management-port or CFT_" + id.toUpperCase() + "_MANAGEMENT_PORT";
  }

  /**
   * Every port {@code up} takes, as {@code --<name>-port}: the parts', the Kafka controller's and
   * each service's management port. A stack of its own (a bench's, a test's) moves them all.
   */
  static List<String> portOptions() {
    List<String> names = new java.util.ArrayList<>();
    for (Part part : values()) {
      names.add(part.id);
      if (part == KAFKA) {
        names.add("kafka-controller");
      }
    }
    SERVICES.forEach(service -> names.add(service.id + "-management"));
    return List.copyOf(names);
  }

  static Part byId(String id) {
    for (Part part : values()) {
      if (part.id.equals(id)) {
        return part;
      }
    }
    throw new IllegalArgumentException("no part named " + id);
  }
}

package dev.cft.stack.cli;

import java.util.List;

/** The parts of the local pipeline, in start order. */
enum Part {
  KAFKA("kafka", "Kafka broker", 9092),
  S3("s3", "S3 server", 9000),
  INGEST("ingest", "ingest-service", 8081),
  TRAIN("train", "train-service", 8082),
  EVAL("eval", "eval-service", 8083),
  DEPLOY("deploy", "deploy-service", 8080);

  static final List<Part> SERVICES = List.of(INGEST, TRAIN, EVAL, DEPLOY);

  final String id;
  final String title;
  final int defaultPort;

  Part(String id, String title, int defaultPort) {
    this.id = id;
    this.title = title;
    this.defaultPort = defaultPort;
  }

  /** The environment variable that moves this part's port (also an {@code up} option). */
  String portVariable() {
    return "CFT_" + id.toUpperCase() + "_PORT";
  }

  String portSetting() {
    return "--" + id + "-port or " + portVariable();
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

package dev.cft.stack.test;

import dev.cft.stack.LocalStack;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One local stack per test JVM: the broker takes seconds to start, so every test class of a module
 * shares it. State under {@code target/local-stack/}; the children stop when the JVM does (a JVM
 * killed outright takes them along through their stdin pipes).
 *
 * <p>Shared across class loaders too: Quarkus loads this class anew for each test profile, so the
 * stack is published in the system properties as JDK types only (its addresses and a control
 * function), which every loader's copy of this class can use.
 */
public final class SharedLocalStack {
  private static final String KEY = "dev.cft.stack.shared";
  private static final String CONFIG = "serviceConfig";
  private static final String KAFKA = "kafkaBootstrap";
  private static final String S3 = "s3Endpoint";
  private static final String CONTROL = "control";
  private static final String S3_ROOT = "s3Root";

  /** The stack itself, in the loader that started it; null in the others. */
  private static LocalStack stack;

  private final Map<String, Object> shared;

  private SharedLocalStack(Map<String, Object> shared) {
    this.shared = shared;
  }

  public static SharedLocalStack get() {
    synchronized (System.getProperties()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> shared = (Map<String, Object>) System.getProperties().get(KEY);
      if (shared == null) {
        shared = start();
        System.getProperties().put(KEY, shared);
      }
      return new SharedLocalStack(shared);
    }
  }

  private static Map<String, Object> start() {
    Path stateDir = Path.of("target", "local-stack", "run-" + ProcessHandle.current().pid());
    try {
      stack = LocalStack.start(LocalStack.Settings.onFreePorts(stateDir));
    } catch (TimeoutException e) {
      throw new IllegalStateException("the local stack did not start", e);
    }
    LocalStack started = stack;
    Runtime.getRuntime().addShutdownHook(new Thread(started::close, "local-stack-stop"));
    Consumer<String> control =
        action -> {
          try {
            switch (action) {
              case "stopKafka" -> started.stopKafka();
              case "startKafka" -> started.startKafka();
              case "stopS3" -> started.stopS3();
              case "startS3" -> started.startS3();
              default -> throw new IllegalArgumentException(action);
            }
          } catch (TimeoutException e) {
            throw new IllegalStateException(action + " timed out", e);
          }
        };
    return Map.of(
        CONFIG, Map.copyOf(started.serviceConfig()),
        KAFKA, started.kafkaBootstrap(),
        S3, started.s3Endpoint(),
        S3_ROOT, started.settings().s3Root().toAbsolutePath().toString(),
        CONTROL, control);
  }

  /** The stack object, for tests outside Quarkus (one class loader). */
  public LocalStack local() {
    if (stack == null) {
      throw new IllegalStateException("the local stack was started by another class loader");
    }
    return stack;
  }

  @SuppressWarnings("unchecked")
  public Map<String, String> serviceConfig() {
    return (Map<String, String>) shared.get(CONFIG);
  }

  public String kafkaBootstrap() {
    return (String) shared.get(KAFKA);
  }

  public String s3Endpoint() {
    return (String) shared.get(S3);
  }

  /** The S3 server's directory: a bucket is a directory, an object a file. */
  public Path s3Root() {
    return Path.of((String) shared.get(S3_ROOT));
  }

  public void stopKafka() {
    control("stopKafka");
  }

  public void startKafka() {
    control("startKafka");
  }

  public void stopS3() {
    control("stopS3");
  }

  public void startS3() {
    control("startS3");
  }

  @SuppressWarnings("unchecked")
  private void control(String action) {
    ((Consumer<String>) shared.get(CONTROL)).accept(action);
  }
}

package dev.cft.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Child JVMs end with their parent, however the parent ends. */
class ChildJvmIT {
  @TempDir Path dir;

  static ChildJvm.Spec spec(String name, String main, Path log, String... args) {
    return new ChildJvm.Spec(
        name, List.of(testClasspath()), main, List.of(args), List.of("-Xmx64m"), Map.of(), log);
  }

  static String testClasspath() {
    return System.getProperty("java.class.path");
  }

  @Test
  void childStopsWhenItsStdinCloses() throws Exception {
    ChildJvm child = ChildJvm.start(spec("sleeper", Sleeper.class.getName(), dir.resolve("s.log")));
    child.awaitLogLine("SLEEPING", Duration.ofSeconds(30));
    child.stop(Duration.ofSeconds(10));
    assertFalse(child.isAlive());
    assertTrue(Files.readString(dir.resolve("s.log")).contains("shutdown hook ran"));
  }

  @Test
  void grandchildDiesWhenItsParentIsKilled() throws Exception {
    Path log = dir.resolve("parent.log");
    ChildJvm parent =
        ChildJvm.start(spec("parent", SpawningParent.class.getName(), log, dir.toString()));
    parent.awaitLogLine("CHILD-PID", Duration.ofSeconds(30));
    long childPid =
        Long.parseLong(
            Files.readAllLines(log).stream()
                .filter(l -> l.startsWith("CHILD-PID"))
                .findFirst()
                .orElseThrow()
                .split(" ")[1]);
    Optional<ProcessHandle> child = ProcessHandle.of(childPid);
    assertTrue(child.isPresent() && child.get().isAlive());

    ProcessHandle.of(parent.pid()).orElseThrow().destroyForcibly(); // SIGKILL: no hooks run
    child.get().onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertFalse(child.get().isAlive());
  }

  @Test
  void childThatDiesBeforeReadyFailsWithItsLog() {
    ChildJvm child = ChildJvm.start(spec("broken", "no.such.Main", dir.resolve("b.log")));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> child.awaitLogLine("READY", Duration.ofSeconds(30)));
    assertTrue(e.getMessage().contains("ClassNotFoundException"), e.getMessage());
  }

  @Test
  void notReadyInTimeNamesTheChild() {
    try (ChildJvm child =
        ChildJvm.start(spec("slow", Sleeper.class.getName(), dir.resolve("t.log")))) {
      TimeoutException e =
          assertThrows(
              TimeoutException.class, () -> child.awaitLogLine("NEVER", Duration.ofMillis(1500)));
      assertTrue(e.getMessage().startsWith("slow not ready"), e.getMessage());
    }
  }

  @Test
  void takenPortIsRefusedWithTheSettingThatMovesIt() throws Exception {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = socket.getLocalPort();
      Ports.PortInUseException e =
          assertThrows(
              Ports.PortInUseException.class,
              () -> Ports.requireFree(port, "Kafka", "--kafka-port or CFT_KAFKA_PORT"));
      assertEquals(
          "port "
              + port
              + " (Kafka) is already in use on 127.0.0.1; stop what holds it or choose another port"
              + " with --kafka-port or CFT_KAFKA_PORT",
          e.getMessage());
    }
  }

  /** Prints a marker, then sleeps until ChildMain ends the JVM. */
  public static final class Sleeper {
    public static void main(String[] args) throws Exception {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
      System.out.println("SLEEPING");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /** Starts a Sleeper of its own and reports its pid. */
  public static final class SpawningParent {
    public static void main(String[] args) throws Exception {
      ChildJvm child =
          ChildJvm.start(spec("grandchild", Sleeper.class.getName(), Path.of(args[0], "gc.log")));
      child.awaitLogLine("SLEEPING", Duration.ofSeconds(30));
      System.out.println("CHILD-PID " + child.pid());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}

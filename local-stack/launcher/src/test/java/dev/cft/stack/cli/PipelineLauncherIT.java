package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.stack.Ports;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ./pipeline up | status | down} for real: Kafka, the S3 server and the four packaged
 * services as processes, on free ports, state under {@code target/}.
 */
class PipelineLauncherIT {
  @RegisterExtension final LocalPipeline pipeline = new LocalPipeline("launcher-it");

  @Test
  void upIsHealthyIdempotentSurvivesASupervisorCrashAndDownLeavesNothing() throws Exception {
    LocalPipeline.Run up = pipeline.up();
    assertEquals(0, up.exitCode(), up.out() + up.err());
    for (Part part : Part.values()) {
      assertTrue(
          up.out().matches("(?s).*" + part.title + " +UP .*"),
          part.title + " not UP in:\n" + up.out());
    }

    LocalPipeline.Run status = pipeline.run("status");
    assertEquals(0, status.exitCode(), status.out());
    assertEquals(
        6,
        status.out().lines().filter(l -> l.matches("\\S+( \\S+)? +UP .*")).count(),
        status.out());

    long supervisorPid = pipeline.home().supervisor().orElseThrow().pid();
    LocalPipeline.Run again = pipeline.up();
    assertEquals(0, again.exitCode(), again.out());
    assertTrue(again.out().contains("already running"), again.out());
    assertEquals(supervisorPid, pipeline.home().supervisor().orElseThrow().pid());

    // Dropping a file into the ingest directory is putting an object into the ingest bucket.
    Path dropped = pipeline.state().resolve("s3/ingest/x/dropped.jsonl");
    Files.createDirectories(dropped.getParent());
    Files.writeString(dropped, "{\"prompt\":\"2+2=\",\"completion\":\"4\"}\n");
    assertEquals(List.of("x/dropped.jsonl"), ingestObjects());

    // A supervisor killed outright takes every child with it: no orphans, no bound ports.
    List<ProcessHandle> children = recordedChildren();
    assertEquals(Part.values().length, children.size());
    ProcessHandle.of(supervisorPid).orElseThrow().destroyForcibly();
    for (ProcessHandle child : children) {
      child.onExit().get(60, TimeUnit.SECONDS);
    }
    awaitPortsFree();

    LocalPipeline.Run restarted = pipeline.up();
    assertEquals(0, restarted.exitCode(), restarted.out() + restarted.err());
    assertEquals(List.of("x/dropped.jsonl"), ingestObjects(), "objects survive a restart");
    List<ProcessHandle> second = recordedChildren();

    LocalPipeline.Run down = pipeline.run("down");
    assertEquals(0, down.exitCode(), down.out());
    assertTrue(down.out().contains("Stopped."), down.out());
    for (ProcessHandle child : second) {
      assertFalse(child.isAlive(), "pid " + child.pid() + " still alive after down");
    }
    assertTrue(pipeline.home().supervisor().isEmpty());
    for (int port : pipeline.ports()) {
      assertFalse(Ports.isListening(port), "port " + port + " still bound after down");
    }
    LocalPipeline.Run after = pipeline.run("status");
    assertEquals(1, after.exitCode(), after.out());
    assertTrue(after.out().contains("not running"), after.out());
  }

  @Test
  void aTakenPortIsRefusedWithTheSettingThatChangesIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      pipeline.usePort("s3", taken.getLocalPort());
      LocalPipeline.Run up = pipeline.up();
      assertEquals(2, up.exitCode(), up.out());
      assertEquals(
          "error: port "
              + taken.getLocalPort()
              + " (S3 server) is already in use on 127.0.0.1; stop what holds it or choose"
              + " another port with --s3-port or CFT_S3_PORT",
          up.err().trim());
      assertTrue(pipeline.home().supervisor().isEmpty(), "nothing may start when a port is taken");
    }
  }

  @Test
  void statusBeforeAnyUpSaysSo() {
    LocalPipeline.Run status = pipeline.run("status");
    assertEquals(3, status.exitCode());
    assertTrue(status.out().contains("start one with ./pipeline up"), status.out());
  }

  private List<ProcessHandle> recordedChildren() {
    List<ProcessHandle> children = new ArrayList<>();
    for (Part part : Part.values()) {
      Optional<ProcessHandle> process = pipeline.home().process(part.id);
      process.ifPresent(children::add);
    }
    return children;
  }

  /**
   * {@code base pull} against a server with the Hub's URL layout: the model lands in the store
   * (hub.json last), and a second pull finds it there and downloads nothing.
   */
  @Test
  void basePullPutsAHubModelInTheStoreOnce() throws Exception {
    try (dev.cft.lm.hub.LocalHub hub = new dev.cft.lm.hub.LocalHub()) {
      Path state = pipeline.state();
      Path model = Files.createDirectories(state.resolveSibling(state.getFileName() + "-model"));
      dev.cft.lm.TestModels.saveTrained(model, 0);
      hub.putDirectory("it-org/tiny", "main", model);
      String[] pull = {"base", "pull", "it-org/tiny", "--endpoint=" + hub.endpoint()};
      LocalPipeline.Run first = pipeline.withPorts(pull);
      assertEquals(0, first.exitCode(), first.shown());
      assertTrue(first.shown().contains("it-org/tiny@main (commit "), first.shown());
      Path stored = state.resolve("s3/models/base/it-org--tiny");
      for (String file :
          List.of("config.json", "model.safetensors", "tokenizer.json", "hub.json")) {
        assertTrue(Files.exists(stored.resolve(file)), file + " in " + stored);
      }
      assertEquals(
          Files.size(model.resolve("model.safetensors")),
          Files.size(stored.resolve("model.safetensors")));
      long gets = hub.requests().stream().filter(r -> r.method().equals("GET")).count();

      LocalPipeline.Run again = pipeline.withPorts(pull);
      assertEquals(0, again.exitCode(), again.shown());
      assertTrue(again.shown().contains("is in the store already"), again.shown());
      assertEquals(gets, hub.requests().stream().filter(r -> r.method().equals("GET")).count());
    }
  }

  private void awaitPortsFree() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (pipeline.ports().stream().anyMatch(Ports::isListening)) {
      assertTrue(System.nanoTime() < deadline, "ports still bound after the supervisor died");
      Thread.sleep(200);
    }
  }

  private List<String> ingestObjects() throws Exception {
    try (MinioClient s3 = pipeline.settings().s3Client()) {
      List<String> keys = new ArrayList<>();
      for (Result<Item> item :
          s3.listObjects(ListObjectsArgs.builder().bucket("ingest").recursive(true).build())) {
        keys.add(item.get().objectName());
      }
      return keys;
    }
  }
}

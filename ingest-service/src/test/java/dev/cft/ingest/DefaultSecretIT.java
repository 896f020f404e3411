package dev.cft.ingest;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.stack.test.LocalStackExtension;
import dev.cft.stack.test.PackagedService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged service (prod profile, a real process) refuses to start with a well-known default
 * secret, and says which setting to change; with the local-trial switch it starts.
 */
@ExtendWith(LocalStackExtension.class)
class DefaultSecretIT {
  @Test
  void aDefaultSecretStopsTheStartWithTheSettingToChange() throws Exception {
    Path log = Files.createTempFile(Path.of("target"), "default-secret", ".log");
    Process service = start("minioadmin", false, log);
    assertTrue(service.waitFor(90, TimeUnit.SECONDS), "the service gave up starting");
    assertNotEquals(0, service.exitValue());
    String output = Files.readString(log);
    assertTrue(
        output.contains("CFT_S3_SECRET_KEY is a well-known default secret")
            && output.contains("CFT_S3_ALLOW_DEFAULT_CREDENTIALS"),
        output);
  }

  @Test
  void theLocalTrialSwitchLetsItStart() throws Exception {
    Path log = Files.createTempFile(Path.of("target"), "default-secret-allowed", ".log");
    Process service = start("minioadmin", true, log);
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < until && !Files.readString(log).contains("started in")) {
        assertTrue(service.isAlive(), "exited: " + Files.readString(log));
        Thread.sleep(250);
      }
      assertTrue(Files.readString(log).contains("started in"), Files.readString(log));
    } finally {
      service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Process start(String secret, boolean allow, Path log) throws Exception {
    return PackagedService.start(
        List.of(
            "-Dcft.s3.secret-key=" + secret,
            "-Dcft.s3.allow-default-credentials=" + allow,
            "-Dcft.ingest.scan-interval=1h"),
        log);
  }
}

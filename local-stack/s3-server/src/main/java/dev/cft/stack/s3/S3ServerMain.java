package dev.cft.stack.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * An S3 server (s3proxy) whose objects are plain files: {@code <base-dir>/<bucket>/<key>}.
 *
 * <p>Arguments: {@code <base-dir> <port> [bucket ...]}; credentials come from the environment
 * ({@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}) so they never show in a process list. It binds
 * 127.0.0.1 only: s3proxy answers anonymous GET and list requests, so it must not be reachable from
 * other hosts. Prints {@value #READY} once it accepts requests.
 */
public final class S3ServerMain {
  public static final String READY = "CFT-READY";

  private S3ServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: S3ServerMain <base-dir> <port> [bucket ...]");
      System.exit(2);
    }
    Path baseDir = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    // A bucket of the filesystem store is a directory: creating it here needs no client.
    for (String bucket : List.of(args).subList(2, args.length)) {
      Files.createDirectories(baseDir.resolve(bucket));
    }
    Properties storeProps = new Properties();
    storeProps.setProperty("jclouds.filesystem.basedir", baseDir.toString());
    BlobStore store =
        new ConditionalPutsAtomic(
            new InFlightWritesHidden(BlobStores.create("filesystem", storeProps)));

    // With S3_KEYSTORE (PKCS12, password S3_KEYSTORE_PASSWORD): HTTPS only.
    String keyStore = System.getenv("S3_KEYSTORE");
    S3Proxy.Builder builder =
        S3Proxy.builder()
            .blobStore(store)
            .awsAuthentication(
                AuthenticationType.AWS_V2_OR_V4, env("S3_ACCESS_KEY"), env("S3_SECRET_KEY"));
    String endpoint = (keyStore == null ? "http" : "https") + "://127.0.0.1:" + port;
    if (keyStore == null) {
      builder.endpoint(URI.create(endpoint));
    } else {
      builder.secureEndpoint(URI.create(endpoint)).keyStore(keyStore, env("S3_KEYSTORE_PASSWORD"));
    }
    S3Proxy proxy = builder.build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.sleep(10);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    proxy.stop();
                  } catch (Exception e) {
                    System.err.println("s3proxy stop failed: " + e);
                  }
                  stopped.countDown();
                },
                "s3-shutdown"));
    System.out.println(READY + " s3 " + endpoint + " " + baseDir);
    System.out.flush();
    stopped.await();
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " is required");
    }
    return value;
  }
}

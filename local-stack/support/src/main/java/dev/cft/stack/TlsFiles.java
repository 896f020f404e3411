package dev.cft.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed key pair for {@code 127.0.0.1} and {@code localhost}, made with the JDK's keytool:
 * a PKCS12 key store for the servers; for clients, a PKCS12 trust store holding only the
 * certificate, and the certificate in PEM. For a stack that runs TLS in tests; a deployment brings
 * its own certificates.
 */
public record TlsFiles(Path keyStore, Path trustStore, Path certificate, String password) {
  public static TlsFiles create(Path dir) throws IOException {
    Files.createDirectories(dir);
    TlsFiles files =
        new TlsFiles(
            dir.resolve("server.p12"),
            dir.resolve("trust.p12"),
            dir.resolve("server.crt"),
            UUID.randomUUID().toString());
    Path cert = files.certificate;
    files.keytool(
        "-genkeypair",
        "-alias",
        "cft",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-validity",
        "7",
        "-storetype",
        "PKCS12",
        "-keystore",
        files.keyStore.toString());
    files.keytool(
        "-exportcert",
        "-alias",
        "cft",
        "-rfc",
        "-file",
        cert.toString(),
        "-keystore",
        files.keyStore.toString());
    files.keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "cft",
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        files.trustStore.toString());
    return files;
  }

  /** Runs keytool with the store password in its environment, never on its command line. */
  private void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.add("-storepass:env");
    command.add("CFT_STORE_PASS");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CFT_STORE_PASS", password);
    Process keytool = builder.start();
    try {
      String output = new String(keytool.getInputStream().readAllBytes());
      if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
        throw new IOException("keytool " + args[0] + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}

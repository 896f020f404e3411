package dev.cft.lm.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A local HTTP server with the Hub's URL layout, for tests (no network here): {@code
 * /<repo>/resolve/<revision>/<file>} answers as huggingface.co does. Large files (LFS) redirect to
 * a second server, the storage host, with their sha256 in {@code X-Linked-Etag}; small ones answer
 * with git's blob sha1 as {@code ETag}. The storage host honours range requests. Requests are
 * recorded, files can be corrupted or cut off once, and a token can be required.
 */
public final class LocalHub implements AutoCloseable {
  /** What a request looked like: method, host:port, path, and two headers. */
  public record Request(String method, String host, String path, String range, String auth) {}

  /** A file of a repository; an LFS one is served by the storage host as blob {@code blob}. */
  private record Stored(byte[] content, boolean lfs, String blob) {}

  private final HttpServer hub;
  private final HttpServer storage;
  private final Map<String, Stored> files = new ConcurrentHashMap<>(); // repo@rev/file
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>(); // blob id → served bytes
  private final Set<String> cutOnce = ConcurrentHashMap.newKeySet();
  private final Set<String> stallOnce = ConcurrentHashMap.newKeySet();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile String requiredToken;

  public LocalHub() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    storage = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    hub.createContext("/", this::resolve);
    storage.createContext("/", this::serveBlob);
    hub.setExecutor(Executors.newFixedThreadPool(4));
    storage.setExecutor(Executors.newFixedThreadPool(4));
    hub.start();
    storage.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
  }

  /** Serves {@code content} as {@code file} of {@code repo@revision}; LFS for .safetensors/.bin. */
  public LocalHub put(String repo, String revision, String file, byte[] content) {
    boolean lfs = file.endsWith(".safetensors") || file.endsWith(".bin");
    // One blob per file, not per content: corrupting one repository's copy leaves the others.
    String blob = lfs ? sha256(content) + "-" + blobs.size() : null;
    files.put(repo + "@" + revision + "/" + file, new Stored(content, lfs, blob));
    if (lfs) {
      blobs.put(blob, content);
    }
    return this;
  }

  /** Serves every file of {@code dir} (a model directory) in {@code repo@revision}. */
  public LocalHub putDirectory(String repo, String revision, Path dir) throws IOException {
    try (var paths = Files.list(dir)) {
      for (Path path : paths.toList()) {
        put(repo, revision, path.getFileName().toString(), Files.readAllBytes(path));
      }
    }
    return this;
  }

  /** The storage host serves other bytes for this LFS file than the sha256 the Hub states. */
  public void corrupt(String repo, String revision, String file) {
    Stored stored = files.get(repo + "@" + revision + "/" + file);
    byte[] bad = stored.content().clone();
    bad[bad.length / 2] ^= 0x5a;
    blobs.put(stored.blob(), bad);
  }

  /** The commit a revision resolves to (a stand-in: git's sha1 of the two names). */
  public static String commitOf(String repo, String revision) {
    return gitBlobSha1((repo + "@" + revision).getBytes(StandardCharsets.UTF_8));
  }

  /** The next download of this LFS file sends half, then nothing for a while. */
  public void stallOnce(String repo, String revision, String file) {
    stallOnce.add(files.get(repo + "@" + revision + "/" + file).blob());
  }

  /** The next download of this LFS file stops half-way (the connection is closed). */
  public void cutOffOnce(String repo, String revision, String file) {
    cutOnce.add(files.get(repo + "@" + revision + "/" + file).blob());
  }

  public void requireToken(String token) {
    requiredToken = token;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public int storagePort() {
    return storage.getAddress().getPort();
  }

  private void record(HttpExchange exchange) {
    requests.add(
        new Request(
            exchange.getRequestMethod(),
            exchange.getLocalAddress().getHostString() + ":" + exchange.getLocalAddress().getPort(),
            exchange.getRequestURI().getRawPath(),
            exchange.getRequestHeaders().getFirst("Range"),
            exchange.getRequestHeaders().getFirst("Authorization")));
  }

  private void resolve(HttpExchange exchange) throws IOException {
    record(exchange);
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      int at = path.indexOf("/resolve/");
      if (at < 0) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (requiredToken != null
          && !("Bearer " + requiredToken)
              .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      String repo = path.substring(1, at);
      String rest = path.substring(at + "/resolve/".length());
      // rest is <revision>/<file>: a revision (refs/pr/1 holds slashes) or the commit it resolves
      // to
      String file = rest.substring(rest.lastIndexOf('/') + 1);
      String asked = rest.substring(0, Math.max(0, rest.length() - file.length() - 1));
      String revision = asked;
      for (String key : files.keySet()) {
        String prefix = repo + "@";
        if (key.startsWith(prefix) && key.endsWith("/" + file)) {
          String rev = key.substring(prefix.length(), key.length() - file.length() - 1);
          if (commitOf(repo, rev).equals(asked)) {
            revision = rev;
          }
        }
      }
      Stored found = files.get(repo + "@" + revision + "/" + file);
      if (found == null) {
        exchange.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      var headers = exchange.getResponseHeaders();
      headers.add("X-Repo-Commit", commitOf(repo, revision));
      if (found.lfs()) {
        String sha = sha256(found.content());
        headers.add("X-Linked-Etag", "\"" + sha + "\"");
        headers.add("X-Linked-Size", String.valueOf(found.content().length));
        headers.add("ETag", "\"" + sha + "\"");
        headers.add("Location", "http://127.0.0.1:" + storagePort() + "/blobs/" + found.blob());
        exchange.sendResponseHeaders(302, -1);
        return;
      }
      headers.add("ETag", "\"" + gitBlobSha1(found.content()) + "\"");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      headers.add("Content-Length", String.valueOf(found.content().length));
      exchange.sendResponseHeaders(200, head ? -1 : found.content().length);
      if (!head) {
        exchange.getResponseBody().write(found.content());
      }
    }
  }

  private void serveBlob(HttpExchange exchange) throws IOException {
    record(exchange);
    try (exchange) {
      String blob = exchange.getRequestURI().getPath().replace("/blobs/", "");
      byte[] content = blobs.get(blob);
      if (content == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      int from = 0;
      String range = exchange.getRequestHeaders().getFirst("Range");
      if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
        from = Integer.parseInt(range.substring(6, range.length() - 1));
      }
      int length = content.length - from;
      if (from > 0) {
        exchange
            .getResponseHeaders()
            .add(
                "Content-Range",
                "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
      }
      exchange.sendResponseHeaders(from > 0 ? 206 : 200, length);
      OutputStream out = exchange.getResponseBody();
      if (stallOnce.remove(blob)) {
        out.write(content, from, length / 2);
        out.flush();
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("stalled on purpose");
      }
      if (cutOnce.remove(blob)) {
        out.write(content, from, length / 2);
        out.flush();
        throw new IOException("cut off on purpose"); // the server drops the connection
      }
      out.write(content, from, length);
    }
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String gitBlobSha1(byte[] content) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(sha1.digest(content));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    hub.stop(0);
    storage.stop(0);
    ((java.util.concurrent.ExecutorService) hub.getExecutor()).shutdownNow();
    ((java.util.concurrent.ExecutorService) storage.getExecutor()).shutdownNow();
  }
}

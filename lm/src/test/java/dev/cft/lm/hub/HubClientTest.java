package dev.cft.lm.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cft.lm.Gpt;
import dev.cft.lm.GptConfig;
import dev.cft.lm.io.Checkpoint;
import dev.cft.lm.tokenizer.TextTokenizer;
import dev.cft.lm.tokenizer.TinyBpeTokenizerJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a local server with the Hub's URL layout (no network here). */
class HubClientTest {
  static final String REPO = "test-org/tiny-gpt2";
  static final String REV = "main";
  static final HubModel MODEL = new HubModel(REPO, REV);

  @TempDir Path tmp;
  LocalHub hub;
  Path published;

  /**
   * A small GPT-2 as an older Hub repository holds it: weights as safetensors, the tokenizer as
   * vocab.json + merges.txt only.
   */
  @BeforeEach
  void publish() throws IOException {
    hub = new LocalHub();
    published = tmp.resolve("published");
    Path bpe = tmp.resolve("bpe");
    TinyBpeTokenizerJson.write(bpe);
    GptConfig config =
        new GptConfig(
            TinyBpeTokenizerJson.VOCAB_SIZE,
            32,
            32,
            2,
            4,
            null,
            1e-5,
            0.1,
            0.1,
            0.1,
            0.02,
            TinyBpeTokenizerJson.EOS_ID,
            TinyBpeTokenizerJson.EOS_ID,
            "gelu_new");
    try (NDManager manager = NDManager.newBaseManager();
        Gpt model = Gpt.initialize(config, manager, 7);
        TextTokenizer tokenizer = TextTokenizer.load(bpe)) {
      Checkpoint.save(model, tokenizer, published);
    }
    Files.delete(published.resolve("tokenizer.json"));
    TinyBpeTokenizerJson.writeOriginalFiles(published);
    hub.putDirectory(REPO, REV, published);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  HubClient client(String token) {
    return new HubClient(hub.endpoint(), token);
  }

  @Test
  void aModelIsDownloadedCheckedAgainstTheHubsDigestsAndLoads() throws IOException {
    Path dir = tmp.resolve("pulled");
    HubSnapshot snapshot = client(null).download(MODEL, dir, HubClient.Progress.NONE);

    assertEquals(LocalHub.commitOf(REPO, REV), snapshot.commit());
    assertEquals(
        List.of(
            "config.json",
            "model.safetensors",
            "vocab.json",
            "merges.txt",
            "generation_config.json"),
        snapshot.files().stream().map(HubSnapshot.File::name).toList());
    HubSnapshot.File weights = snapshot.files().get(1);
    assertEquals("sha256", weights.checkedBy(), "an LFS file: X-Linked-Etag");
    assertEquals(
        LocalHub.sha256(Files.readAllBytes(published.resolve("model.safetensors"))),
        weights.digest());
    assertEquals("git-blob-sha1", snapshot.files().get(0).checkedBy(), "a git file: its ETag");
    assertEquals(List.of("tokenizer.json from vocab.json + merges.txt"), snapshot.converted());
    assertTrue(Files.exists(dir.resolve(HubSnapshot.FILE)));

    try (NDManager manager = NDManager.newBaseManager();
        Gpt model = Checkpoint.load(dir, manager);
        TextTokenizer tokenizer = TextTokenizer.load(dir)) {
      assertEquals(2, model.config().nLayer());
      // GPT-2's BPE, converted: " the cat" is two merged tokens, as the merges spell them.
      assertArrayEquals(
          new int[] {TinyBpeTokenizerJson.mergedId("Ġthe"), TinyBpeTokenizerJson.mergedId("Ġcat")},
          tokenizer.encode(" the cat"));
      assertEquals(TinyBpeTokenizerJson.EOS_ID, tokenizer.eosId());
    }
  }

  @Test
  void aFileThatDoesNotMatchItsDigestIsRefusedAndNotKept() {
    hub.corrupt(REPO, REV, "model.safetensors");
    Path dir = tmp.resolve("pulled");
    IOException e =
        assertThrows(
            IOException.class, () -> client(null).download(MODEL, dir, HubClient.Progress.NONE));
    assertTrue(e.getMessage().contains("model.safetensors of " + MODEL), e.getMessage());
    assertTrue(e.getMessage().contains("does not match the Hub's digest"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("model.safetensors")));
    assertFalse(Files.exists(dir.resolve("model.safetensors.part")));
    assertFalse(Files.exists(dir.resolve(HubSnapshot.FILE)), "no snapshot of a refused download");
  }

  @Test
  void aDownloadThatBreaksOffResumesWithARangeRequest() throws IOException {
    hub.cutOffOnce(REPO, REV, "model.safetensors");
    Path dir = tmp.resolve("pulled");
    client(null).download(MODEL, dir, HubClient.Progress.NONE);

    List<LocalHub.Request> blobGets =
        hub.requests().stream()
            .filter(r -> r.method().equals("GET") && r.path().startsWith("/blobs/"))
            .toList();
    assertEquals(2, blobGets.size(), blobGets.toString());
    assertNull(blobGets.get(0).range());
    assertTrue(
        blobGets.get(1).range() != null && blobGets.get(1).range().matches("bytes=[1-9][0-9]*-"),
        "the second request asks for the rest only: " + blobGets.get(1));
    assertArrayEquals(
        Files.readAllBytes(published.resolve("model.safetensors")),
        Files.readAllBytes(dir.resolve("model.safetensors")));
  }

  @Test
  void everyFileComesFromTheCommitTheRevisionResolvedTo() throws IOException {
    client(null).download(MODEL, tmp.resolve("pulled"), HubClient.Progress.NONE);
    String commit = LocalHub.commitOf(REPO, REV);
    List<String> hubPaths =
        hub.requests().stream()
            .map(LocalHub.Request::path)
            .filter(p -> p.contains("/resolve/"))
            .toList();
    assertEquals("/" + REPO + "/resolve/main/config.json", hubPaths.get(0));
    assertTrue(
        hubPaths.stream()
            .filter(p -> !p.endsWith("/config.json"))
            .allMatch(p -> p.contains("/resolve/" + commit + "/")),
        "the other files pinned to config.json's commit, even if the branch moves on: " + hubPaths);
  }

  @Test
  void aRevisionWithSlashesIsOnePathSegment() throws IOException {
    hub.putDirectory(REPO, "refs/pr/1", published);
    client(null)
        .download(new HubModel(REPO, "refs/pr/1"), tmp.resolve("pr"), HubClient.Progress.NONE);
    assertTrue(
        hub.requests().stream()
            .anyMatch(r -> r.path().equals("/" + REPO + "/resolve/refs%2Fpr%2F1/config.json")),
        hub.requests().toString());
  }

  @Test
  void aStalledDownloadIsBrokenOffAndResumed() throws IOException {
    hub.stallOnce(REPO, REV, "model.safetensors");
    Path dir = tmp.resolve("pulled");
    new HubClient(hub.endpoint(), null, java.time.Duration.ofSeconds(1))
        .download(MODEL, dir, HubClient.Progress.NONE);
    List<LocalHub.Request> blobGets = blobGets();
    assertEquals(2, blobGets.size(), blobGets.toString());
    assertTrue(blobGets.get(1).range() != null, "resumed: " + blobGets.get(1));
    assertArrayEquals(
        Files.readAllBytes(published.resolve("model.safetensors")),
        Files.readAllBytes(dir.resolve("model.safetensors")));
  }

  @Test
  void aPartThatIsNotAPrefixOfTheFileIsDroppedAndTheFileDownloadedWhole() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("pulled"));
    byte[] weights = Files.readAllBytes(published.resolve("model.safetensors"));
    Files.write(
        dir.resolve("model.safetensors." + LocalHub.sha256(weights) + ".part"),
        new byte[weights.length / 3]); // zeros: resumed after them, the digest cannot match
    Files.write(dir.resolve("model.safetensors.0123.part"), new byte[10]); // an older version's
    client(null).download(MODEL, dir, HubClient.Progress.NONE);
    List<LocalHub.Request> blobGets = blobGets();
    assertEquals(2, blobGets.size(), blobGets.toString());
    assertTrue(blobGets.get(0).range() != null, "first resumed: " + blobGets.get(0));
    assertNull(blobGets.get(1).range(), "then downloaded whole: " + blobGets.get(1));
    assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
    try (var left = Files.list(dir)) {
      assertTrue(left.noneMatch(p -> p.toString().endsWith(".part")), "no part left");
    }
  }

  List<LocalHub.Request> blobGets() {
    return hub.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().startsWith("/blobs/"))
        .toList();
  }

  @Test
  void filesAlreadyThereAndMatchingAreNotDownloadedAgain() throws IOException {
    Path dir = tmp.resolve("pulled");
    client(null).download(MODEL, dir, HubClient.Progress.NONE);
    int before = hub.requests().size();
    client(null).download(MODEL, dir, HubClient.Progress.NONE);
    assertTrue(
        hub.requests().subList(before, hub.requests().size()).stream()
            .noneMatch(r -> r.method().equals("GET")),
        "only HEAD requests the second time");
  }

  @Test
  void pickledWeightsAreRefusedWithTheReason() throws IOException {
    HubModel pickled = new HubModel("test-org/pickled", REV);
    hub.put(
        pickled.repo(), REV, "config.json", Files.readAllBytes(published.resolve("config.json")));
    hub.put(pickled.repo(), REV, "pytorch_model.bin", new byte[] {(byte) 0x80, 2, 'c', 'o', 's'});
    IOException e =
        assertThrows(
            IOException.class,
            () -> client(null).download(pickled, tmp.resolve("p"), HubClient.Progress.NONE));
    assertTrue(e.getMessage().contains("only pickled weights (pytorch_model.bin)"), e.getMessage());
    assertTrue(e.getMessage().contains("arbitrary code"), e.getMessage());
  }

  @Test
  void aModelOfAnotherArchitectureIsRefused() {
    HubModel llama = new HubModel("test-org/llama", REV);
    hub.put(llama.repo(), REV, "config.json", "{\"model_type\":\"llama\"}".getBytes());
    IOException e =
        assertThrows(
            IOException.class,
            () -> client(null).download(llama, tmp.resolve("l"), HubClient.Progress.NONE));
    assertTrue(e.getMessage().contains("is a 'llama' model"), e.getMessage());
  }

  @Test
  void aMissingRepositoryOrRevisionSaysSo() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                client(null)
                    .download(new HubModel(REPO, "v9"), tmp.resolve("x"), HubClient.Progress.NONE));
    assertTrue(e.getMessage().contains("no config.json in " + REPO + "@v9"), e.getMessage());
  }

  @Test
  void theTokenGoesToTheHubAndNeverToTheStorageHost() throws IOException {
    hub.requireToken("hf_secret");
    IOException refused =
        assertThrows(
            IOException.class,
            () -> client(null).download(MODEL, tmp.resolve("a"), HubClient.Progress.NONE));
    assertTrue(refused.getMessage().contains("HF_TOKEN"), refused.getMessage());

    client("hf_secret").download(MODEL, tmp.resolve("b"), HubClient.Progress.NONE);
    String storage = ":" + hub.storagePort();
    List<LocalHub.Request> withToken =
        hub.requests().stream().filter(r -> "Bearer hf_secret".equals(r.auth())).toList();
    assertFalse(withToken.isEmpty());
    assertTrue(withToken.stream().noneMatch(r -> r.host().endsWith(storage)), withToken.toString());
    assertTrue(
        hub.requests().stream().anyMatch(r -> r.host().endsWith(storage) && r.auth() == null),
        "the redirected download went to the storage host without the token");
  }

  @Test
  void referencesParseAndNameTheirBaseModel() {
    assertEquals(
        new HubModel("openai-community/gpt2", "main"), HubModel.parse("hf:openai-community/gpt2"));
    assertEquals("openai-community--gpt2", HubModel.parse("openai-community/gpt2").baseName());
    HubModel pinned = HubModel.parse("hf:distilgpt2@refs/pr/1");
    assertEquals("refs/pr/1", pinned.revision());
    assertEquals("distilgpt2@refs--pr--1", pinned.baseName());
    for (String bad : List.of("hf:../etc", "a/b/c", "org/name@", "hf:org/na me", "org/name@a..b")) {
      assertThrows(IllegalArgumentException.class, () -> HubModel.parse(bad), bad);
    }
  }
}

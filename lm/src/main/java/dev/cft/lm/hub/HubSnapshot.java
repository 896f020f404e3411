package dev.cft.lm.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a model directory was downloaded from, kept beside it as {@value #FILE}: the repository, the
 * revision asked for and the commit it resolved to, and each file with the digest it was checked
 * against.
 *
 * @param converted files made here rather than downloaded (a {@code tokenizer.json} from {@code
 *     vocab.json} + {@code merges.txt})
 */
public record HubSnapshot(
    String endpoint,
    String repo,
    String revision,
    String commit,
    List<File> files,
    List<String> converted) {
  public static final String FILE = "hub.json";

  /**
   * @param digest hex digest the file matched
   * @param checkedBy {@code sha256} (the Hub's {@code X-Linked-Etag} of an LFS file, or an ETag of
   *     64 hex digits) or {@code git-blob-sha1} (the ETag of a file kept in git)
   */
  public record File(String name, long size, String digest, String checkedBy) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public HubSnapshot {
    files = List.copyOf(files);
    converted = List.copyOf(converted);
  }

  /**
   * The files of a downloaded directory in the order to copy them into a store: {@value #FILE}
   * last, so its presence marks a complete copy; {@code .part} files left out.
   */
  public static List<Path> copyOrder(Path dir) throws IOException {
    try (var listing = java.nio.file.Files.list(dir)) {
      return listing
          .filter(java.nio.file.Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().endsWith(".part"))
          .sorted(
              java.util.Comparator.comparing((Path f) -> f.getFileName().toString().equals(FILE))
                  .thenComparing(Path::getFileName))
          .toList();
    }
  }

  public void write(Path dir) throws IOException {
    JSON.writeValue(dir.resolve(FILE).toFile(), this);
  }

  public static HubSnapshot read(byte[] json) throws IOException {
    return JSON.readValue(json, HubSnapshot.class);
  }
}

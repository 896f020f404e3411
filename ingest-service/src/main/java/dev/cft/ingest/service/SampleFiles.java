package dev.cft.ingest.service;

import dev.cft.datasets.Hashes;
import dev.cft.datasets.SampleReader;
import dev.cft.ingest.config.IngestConfig;
import dev.cft.runtime.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Reads data files from the store with the service's limits ({@link IngestConfig}): one reader for
 * dropped files and the API's uploaded files, so both are judged by the same rules.
 */
@ApplicationScoped
public class SampleFiles {
  /** A file's examples and problems, and the sha256 of its bytes as stored. */
  public record Read(SampleReader.Result result, String sha256) {}

  private final ObjectStore store;
  private final SampleReader reader;
  private final long maxFileSize;

  public SampleFiles(ObjectStore store, IngestConfig config) {
    this.store = store;
    this.maxFileSize = config.maxFileSize().asLongValue();
    this.reader =
        new SampleReader(
            new SampleReader.Limits(
                config.maxExampleTokens(),
                config.maxErrorsListed(),
                SampleReader.Limits.UTF8_BYTES,
                (int) Math.min(Integer.MAX_VALUE - 16, config.maxLineSize().asLongValue()),
                config.maxExpandedSize().asLongValue()));
  }

  /**
   * Reads {@code bucket/key} in the format {@code fileName} names ({@link
   * dev.cft.datasets.Format#of}).
   */
  public Read read(String bucket, String key, String fileName) {
    try (InputStream raw = store.open(bucket, key)) {
      MessageDigest digest = Hashes.sha256();
      SampleReader.Result result = reader.read(fileName, new DigestInputStream(raw, digest));
      return new Read(result, HexFormat.of().formatHex(digest.digest()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read s3://" + bucket + "/" + key, e);
    }
  }

  /** The problem with a file of {@code size} bytes, or null when it is not too large to read. */
  public String tooLarge(long size) {
    return size <= maxFileSize
        ? null
        : "is "
            + size
            + " bytes, over the limit of "
            + maxFileSize
            + " (CFT_INGEST_MAX_FILE_SIZE): not read; split it";
  }
}

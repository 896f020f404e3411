package dev.cft.stack.cli;

import dev.cft.events.Buckets;
import dev.cft.events.DatasetReady;
import dev.cft.events.ModelKeys;
import dev.cft.events.documents.Documents;
import dev.cft.events.documents.ModelAlias;
import io.minio.CopyObjectArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.SourceObject;
import io.minio.StatObjectArgs;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The stack's S3 store as the launcher uses it: text objects put in, objects listed and copied, and
 * the documents the services keep there read as the contract's records ({@link Documents}).
 */
final class StackStore {
  private final MinioClient s3;

  StackStore(MinioClient s3) {
    this.s3 = s3;
  }

  /** Puts {@code content} as JSON Lines (what every dropped file and setting here is). */
  void put(String bucket, String key, String content) throws Exception {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    s3.putObject(
        PutObjectArgs.builder().bucket(bucket).object(key).stream(
                new ByteArrayInputStream(bytes), (long) bytes.length, -1L)
            .contentType("application/x-ndjson")
            .build());
  }

  boolean exists(String bucket, String key) {
    try {
      s3.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  byte[] get(String bucket, String key) throws Exception {
    try (InputStream in =
        s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return in.readAllBytes();
    }
  }

  /** The object, or empty when it is not there (or the store cannot be reached). */
  Optional<byte[]> find(String bucket, String key) {
    try {
      return Optional.of(get(bucket, key));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /**
   * A document the services keep, or empty when it is not there.
   *
   * @throws IllegalArgumentException when it is there but not a {@code type}
   */
  <T> Optional<T> document(String bucket, String key, Class<T> type) {
    return find(bucket, key).map(json -> Documents.read(json, type, "s3://" + bucket + "/" + key));
  }

  /** The version the domain's production alias points at; empty while it has none. */
  Optional<String> production(String domain) {
    return document(Buckets.MODELS, ModelKeys.alias(domain, ModelKeys.PRODUCTION), ModelAlias.class)
        .map(ModelAlias::version);
  }

  /**
   * The domain's finished dataset versions (a version is finished once its manifest is written).
   */
  int datasetVersions(String domain) {
    int v = 0;
    while (exists(Buckets.DATASETS, datasetManifest(domain, v + 1))) {
      v++;
    }
    return v;
  }

  static String datasetManifest(String domain, int version) {
    return domain + "/v" + version + "/" + DatasetReady.MANIFEST_FILE;
  }

  /** How many objects are under {@code prefix}. */
  int count(String bucket, String prefix) throws Exception {
    int n = 0;
    for (Result<Item> r :
        s3.listObjects(
            ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
      r.get();
      n++;
    }
    return n;
  }

  /** Copies every object under {@code from} to the same name under {@code to}. */
  void copy(String bucket, String from, String to) throws Exception {
    for (Result<Item> r :
        s3.listObjects(
            ListObjectsArgs.builder().bucket(bucket).prefix(from).recursive(true).build())) {
      String key = r.get().objectName();
      s3.copyObject(
          CopyObjectArgs.builder()
              .bucket(bucket)
              .object(to + key.substring(from.length()))
              .source(SourceObject.builder().bucket(bucket).object(key).build())
              .build());
    }
  }
}

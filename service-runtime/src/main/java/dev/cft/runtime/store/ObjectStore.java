package dev.cft.runtime.store;

import io.minio.CopyObjectArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.SourceObject;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The object operations the stages need, over the MinIO client, with the SDK's checked exceptions
 * turned into {@link UncheckedIOException}s that name bucket and key.
 *
 * <p>One file over 300 lines on purpose: it is the only place the SDK is called, and every
 * operation (plain, conditional, streamed, whole directories) shares the same retry and error
 * wrapping; split, each part would need it again.
 */
@ApplicationScoped
public class ObjectStore {
  /** An object as a listing shows it. {@code eTag} is null when the store keeps none. */
  public record Entry(String key, long size, String eTag, Instant lastModified) {}

  private static final String NO_SUCH_KEY = "NoSuchKey";
  private static final java.util.Set<String> TAKEN =
      java.util.Set.of("PreconditionFailed", "ConditionalRequestConflict");
  private static final long PART_SIZE = 16L << 20;
  private static final long MIN_PART_SIZE = 5L << 20;

  private final MinioClient client;
  private final StoreRetry retry;

  @Inject
  public ObjectStore(MinioClient client, ObjectStoreConfig config) {
    this.client = client;
    this.retry = new StoreRetry(config.retryFor());
  }

  /** The object's bytes as a stream; the request is retried, reading the stream is not. */
  public InputStream open(String bucket, String key) {
    return call(bucket, key, "read", () -> get(bucket, key));
  }

  public byte[] read(String bucket, String key) {
    return readIfExists(bucket, key)
        .orElseThrow(
            () ->
                failure("read", bucket, key, new java.io.FileNotFoundException("no such object")));
  }

  public String readString(String bucket, String key) {
    return new String(read(bucket, key), StandardCharsets.UTF_8);
  }

  /** The object's bytes, or empty when there is no such object. */
  public Optional<byte[]> readIfExists(String bucket, String key) {
    return call(
        bucket,
        key,
        "read",
        () -> {
          try (InputStream in = get(bucket, key)) {
            return Optional.of(in.readAllBytes());
          } catch (ErrorResponseException e) {
            if (NO_SUCH_KEY.equals(e.errorResponse().code())) {
              return Optional.<byte[]>empty();
            }
            throw e;
          }
        });
  }

  public boolean exists(String bucket, String key) {
    return call(
        bucket,
        key,
        "look up",
        () -> {
          try {
            client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return true;
          } catch (ErrorResponseException e) {
            if (NO_SUCH_KEY.equals(e.errorResponse().code())) {
              return false;
            }
            throw e;
          }
        });
  }

  public void write(String bucket, String key, byte[] bytes, String contentType) {
    call(
        bucket,
        key,
        "write",
        () -> put(bucket, key, new ByteArrayInputStream(bytes), bytes.length, -1, contentType));
  }

  public void writeString(String bucket, String key, String text, String contentType) {
    write(bucket, key, text.getBytes(StandardCharsets.UTF_8), contentType);
  }

  /**
   * Writes the object only where there is none yet (S3's conditional write {@code If-None-Match:
   * *}, atomic on S3, MinIO and the embedded server): of writers racing for one key, one creates
   * it. A retried request that finds the key taken reports false even if its own first try took it:
   * a caller that must know reads the object back.
   *
   * @return whether this call created the object; false when the key was taken
   */
  public boolean create(String bucket, String key, byte[] bytes, String contentType) {
    return putIf(bucket, key, bytes, contentType, "If-None-Match", "*");
  }

  /** An object's bytes with the ETag they had, for a later {@link #replace}. */
  public record Tagged(byte[] bytes, String eTag) {}

  /** The object's bytes and ETag, or empty when there is no such object. */
  public Optional<Tagged> readTagged(String bucket, String key) {
    return call(
        bucket,
        key,
        "read",
        () -> {
          try (io.minio.GetObjectResponse in = get(bucket, key)) {
            return Optional.of(new Tagged(in.readAllBytes(), in.headers().get("ETag")));
          } catch (ErrorResponseException e) {
            if (NO_SUCH_KEY.equals(e.errorResponse().code())) {
              return Optional.<Tagged>empty();
            }
            throw e;
          }
        });
  }

  /**
   * Writes the object only if it is still as {@code read} saw it (S3's {@code If-Match}), or,
   * {@code read} being null, only if there is none yet: a read-modify-write that cannot lose
   * another writer's change. False when the object changed meanwhile: read it again and redo the
   * change ({@link ObjectUpdates}).
   */
  public boolean replace(String bucket, String key, byte[] bytes, String contentType, Tagged read) {
    if (read == null) {
      return create(bucket, key, bytes, contentType);
    }
    if (read.eTag() == null) {
      throw new UncheckedIOException(
          "cannot replace s3://" + bucket + "/" + key + ": the store gave no ETag to match",
          new IOException("no ETag"));
    }
    return putIf(bucket, key, bytes, contentType, "If-Match", read.eTag());
  }

  private boolean putIf(
      String bucket, String key, byte[] bytes, String contentType, String condition, String value) {
    return call(
        bucket,
        key,
        "write",
        () -> {
          try {
            // One PUT whatever the size: above 5 MiB the SDK would upload in parts, and the
            // condition would go only on the upload's creation, where stores do not check it.
            client.putObject(
                PutObjectArgs.builder().bucket(bucket).object(key).stream(
                        new ByteArrayInputStream(bytes),
                        (long) bytes.length,
                        Math.max(MIN_PART_SIZE, (long) bytes.length))
                    .contentType(contentType)
                    .headers(java.util.Map.of(condition, value))
                    .build());
            return true;
          } catch (ErrorResponseException e) {
            if (TAKEN.contains(e.errorResponse().code())) {
              return false;
            }
            throw e;
          }
        });
  }

  /** Uploads a stream of unknown length in parts; not retried (a stream is read once). */
  public void write(String bucket, String key, InputStream in, String contentType) {
    try {
      put(bucket, key, in, -1, PART_SIZE, contentType);
    } catch (Exception e) {
      throw failure("write", bucket, key, e);
    }
  }

  /** Uploads a file, retried as a whole (the file is read again). */
  public void upload(java.nio.file.Path file, String bucket, String key, String contentType) {
    call(
        bucket,
        key,
        "upload " + file + " to",
        () -> {
          try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return put(bucket, key, in, -1, PART_SIZE, contentType);
          }
        });
  }

  private Object put(
      String bucket, String key, InputStream in, long size, long partSize, String contentType)
      throws Exception {
    return client.putObject(
        PutObjectArgs.builder().bucket(bucket).object(key).stream(in, size, partSize)
            .contentType(contentType)
            .build());
  }

  /** Removes an object; removing one that is not there is no error (S3's own rule). */
  public void delete(String bucket, String key) {
    call(
        bucket,
        key,
        "delete",
        () -> {
          client.removeObject(
              io.minio.RemoveObjectArgs.builder().bucket(bucket).object(key).build());
          return null;
        });
  }

  /** A server-side copy: the bytes do not pass through this process. */
  public void copy(String fromBucket, String fromKey, String toBucket, String toKey) {
    call(
        toBucket,
        toKey,
        "copy " + fromBucket + "/" + fromKey + " to",
        () ->
            client.copyObject(
                CopyObjectArgs.builder()
                    .bucket(toBucket)
                    .object(toKey)
                    .source(SourceObject.builder().bucket(fromBucket).object(fromKey).build())
                    .build()));
  }

  /** Every object under {@code prefix}, at any depth, in key order. */
  public List<Entry> list(String bucket, String prefix) {
    return call(bucket, prefix + "*", "list", () -> listOnce(bucket, prefix));
  }

  private List<Entry> listOnce(String bucket, String prefix) throws Exception {
    List<Entry> entries = new ArrayList<>();
    Iterable<Result<Item>> results =
        client.listObjects(
            ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build());
    {
      for (Result<Item> result : results) {
        Item item = result.get();
        if (item.isDir()) {
          continue;
        }
        entries.add(
            new Entry(
                item.objectName(),
                item.size(),
                normalizeETag(item.etag()),
                item.lastModified() == null ? null : item.lastModified().toInstant()));
      }
    }
    return entries;
  }

  /** Uploads every regular file of {@code dir} (not recursing) under {@code prefix}. */
  public void uploadDirectory(java.nio.file.Path dir, String bucket, String prefix) {
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
      for (java.nio.file.Path file :
          files.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
        upload(file, bucket, prefix + file.getFileName(), "application/octet-stream");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot upload " + dir + " to s3://" + bucket + "/" + prefix, e);
    }
  }

  /** Downloads one object to {@code file}, replacing what is there. */
  public void download(String bucket, String key, java.nio.file.Path file) {
    call(
        bucket,
        key,
        "download",
        () -> {
          try (InputStream in = get(bucket, key)) {
            return java.nio.file.Files.copy(
                in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        });
  }

  /**
   * Downloads a checkpoint directory (see {@link #downloadDirectory}).
   *
   * @throws IllegalStateException naming the location when it holds no model
   */
  public void downloadModel(String bucket, String prefix, java.nio.file.Path dir) {
    if (downloadDirectory(bucket, prefix, dir) == 0) {
      throw new IllegalStateException("no model at s3://" + bucket + "/" + prefix);
    }
  }

  /** Downloads every object directly under {@code prefix} into {@code dir}; returns how many. */
  public int downloadDirectory(String bucket, String prefix, java.nio.file.Path dir) {
    int count = 0;
    try {
      java.nio.file.Files.createDirectories(dir);
      for (Entry entry : list(bucket, prefix)) {
        String name = entry.key().substring(prefix.length());
        if (name.isEmpty() || name.contains("/")) {
          continue;
        }
        download(bucket, entry.key(), dir.resolve(name));
        count++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot download s3://" + bucket + "/" + prefix + " to " + dir, e);
    }
    return count;
  }

  /** Listings quote ETags, notifications do not; some stores keep none. */
  static String normalizeETag(String eTag) {
    if (eTag == null) {
      return null;
    }
    String bare = eTag.replace("\"", "").strip();
    return bare.isEmpty() ? null : bare;
  }

  private io.minio.GetObjectResponse get(String bucket, String key) throws Exception {
    return client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
  }

  /** One request, retried while the store is unreachable ({@link StoreRetry}). */
  private <T> T call(String bucket, String key, String what, StoreRetry.Call<T> call) {
    try {
      return retry.run(what + " s3://" + bucket + "/" + key, call);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(what, bucket, key, e);
    } catch (Exception e) {
      throw failure(what, bucket, key, e);
    }
  }

  private static UncheckedIOException failure(String what, String bucket, String key, Exception e) {
    IOException cause = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    return new UncheckedIOException(
        "cannot " + what + " s3://" + bucket + "/" + key + ": " + e.getMessage(), cause);
  }
}

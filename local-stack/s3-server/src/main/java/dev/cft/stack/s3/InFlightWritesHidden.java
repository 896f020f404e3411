package dev.cft.stack.s3;

import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists no object that is still being written. s3proxy's filesystem store writes {@code <key>} to
 * {@code <key>-<uuid>} and renames it when complete, and lists that temporary file meanwhile:
 * whoever lists the bucket then (the ingest scan, a version listing) would see a half-written
 * object under a name nobody wrote. S3 itself, and MinIO, show an object only once it is complete.
 *
 * <p>In an object listing, a {@code <key>-<uuid>} entry is hidden if a write of {@code <key>} in
 * that bucket (a PUT, a copy, a multipart completion) was in flight here at any moment of the
 * listing, and shown otherwise. Version listings are not filtered (nothing here asks for them).
 */
final class InFlightWritesHidden extends ForwardingBlobStore {
  private static final long FORGET_AFTER_NANOS = 60_000_000_000L;

  private static final Pattern TEMPORARY =
      Pattern.compile(
          "(.+)-\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

  /** bucket + '/' + key of every write in flight, with how many. */
  private final Map<String, Integer> writing = new ConcurrentHashMap<>();

  /** bucket + '/' + key of writes that ended lately, with when ({@link System#nanoTime()}). */
  private final Map<String, Long> ended = new ConcurrentHashMap<>();

  InFlightWritesHidden(BlobStore store) {
    super(store);
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream payload) {
    return whileWriting(request.bucket(), request.key(), () -> super.putBlob(request, payload));
  }

  @Override
  public CopyObjectResponse copyBlob(CopyObjectRequest request) {
    return whileWriting(
        request.destinationBucket(), request.destinationKey(), () -> super.copyBlob(request));
  }

  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(
      MultipartUpload mpu, CompleteMultipartUploadRequest request) {
    return whileWriting(
        mpu.containerName(), mpu.blobName(), () -> super.completeMultipartUpload(mpu, request));
  }

  @Override
  public ListObjectsV2Response list(ListObjectsV2Request request) {
    long started = System.nanoTime();
    // A write that ends while the directory is read may still show its temporary file.
    ended.values().removeIf(at -> started - at > FORGET_AFTER_NANOS);
    ListObjectsV2Response page = super.list(request);
    if ((writing.isEmpty() && ended.isEmpty()) || !page.hasContents()) {
      return page;
    }
    var shown =
        page.contents().stream().filter(o -> !inFlight(request.bucket(), o, started)).toList();
    int hidden = page.contents().size() - shown.size();
    if (hidden == 0) {
      return page;
    }
    var filtered = page.toBuilder().contents(shown);
    if (page.keyCount() != null) {
      filtered.keyCount(page.keyCount() - hidden);
    }
    return filtered.build();
  }

  private boolean inFlight(String bucket, S3Object object, long listingStarted) {
    var temporary = TEMPORARY.matcher(object.key());
    if (!temporary.matches()) {
      return false;
    }
    String name = bucket + "/" + temporary.group(1);
    Long endedAt = ended.get(name);
    return writing.containsKey(name) || (endedAt != null && endedAt - listingStarted >= 0);
  }

  private <T> T whileWriting(String bucket, String key, Supplier<T> write) {
    String name = bucket + "/" + key;
    writing.merge(name, 1, Integer::sum);
    try {
      return write.get();
    } finally {
      ended.put(name, System.nanoTime());
      writing.computeIfPresent(name, (n, count) -> count == 1 ? null : count - 1);
    }
  }
}

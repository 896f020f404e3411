package dev.cft.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.stack.test.LocalStackExtension;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import io.minio.messages.ListAllMyBucketsResult.Bucket;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The local stack is real: the MinIO SDK and the Kafka clients use it as they would any S3/Kafka.
 */
@ExtendWith(LocalStackExtension.class)
class LocalStackIT {
  private final LocalStack stack;
  private MinioClient s3;

  LocalStackIT(LocalStack stack) {
    this.stack = stack;
  }

  @BeforeEach
  void client() {
    s3 =
        MinioClient.builder()
            .endpoint(stack.s3Endpoint())
            .region("us-east-1")
            .credentials(stack.settings().accessKey(), stack.settings().secretKey())
            .build();
  }

  @AfterEach
  void closeClient() throws Exception {
    s3.close();
  }

  private byte[] put(String bucket, String key, String text) throws Exception {
    byte[] content = text.getBytes(StandardCharsets.UTF_8);
    s3.putObject(
        PutObjectArgs.builder().bucket(bucket).object(key).stream(
                new ByteArrayInputStream(content), (long) content.length, -1L)
            .build());
    return content;
  }

  @Test
  void s3ServerHasEveryPipelineBucket() throws Exception {
    List<String> names = s3.listBuckets().stream().map(Bucket::name).sorted().toList();
    assertEquals(StackDefaults.BUCKETS.stream().sorted().toList(), names);
  }

  @Test
  void objectsPutThroughTheSdkAreFilesUnderTheStateDirectory() throws Exception {
    byte[] content = put("ingest", "legal/put.jsonl", "{\"prompt\":\"a\",\"completion\":\"b\"}\n");
    Path file = stack.settings().s3Root().resolve("ingest/legal/put.jsonl");
    assertEquals(new String(content, StandardCharsets.UTF_8), Files.readString(file));
    try (var in =
        s3.getObject(GetObjectArgs.builder().bucket("ingest").object("legal/put.jsonl").build())) {
      assertEquals(
          new String(content, StandardCharsets.UTF_8),
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aFileCopiedIntoTheIngestDirectoryIsAnObjectOfTheIngestBucket() throws Exception {
    Path dropped = stack.settings().s3Root().resolve("ingest/x/dropped.txt");
    Files.createDirectories(dropped.getParent());
    Files.writeString(dropped, "plain text for continued pre-training\n");

    List<Item> items = new ArrayList<>();
    for (Result<Item> result :
        s3.listObjects(
            ListObjectsArgs.builder().bucket("ingest").prefix("x/").recursive(true).build())) {
      items.add(result.get());
    }
    assertEquals(1, items.size());
    assertEquals("x/dropped.txt", items.get(0).objectName());
    assertEquals(Files.size(dropped), items.get(0).size());
    // The filesystem store computes no ETag for files it did not write: consumers must cope.
    String etag = items.get(0).etag();
    assertTrue(etag == null || etag.isBlank() || etag.equals("\"\""), "unexpected ETag " + etag);
  }

  /**
   * The filesystem store writes an object to {@code <key>-<uuid>} and renames it when complete; a
   * listing meanwhile must not show that half-written file (the ingest scan would take it for a
   * dropped file). The upload is held half-way until the temporary file is on disk.
   */
  @Test
  void anObjectIsListedOnlyOnceItsWriteIsComplete() throws Exception {
    String key = "slow-" + UUID.randomUUID() + "/big.jsonl";
    byte[] half = "{\"text\":\"x\"}\n".repeat(40_000).getBytes(StandardCharsets.UTF_8);
    String url =
        s3.getPresignedObjectUrl(
            io.minio.GetPresignedObjectUrlArgs.builder()
                .method(io.minio.Http.Method.PUT)
                .bucket("ingest")
                .object(key)
                .expiry(120)
                .build());
    var body = new java.io.PipedInputStream(1 << 16);
    var writer = new java.io.PipedOutputStream(body);
    var http =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();
    var upload =
        http.sendAsync(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .PUT(
                    java.net.http.HttpRequest.BodyPublishers.fromPublisher(
                        java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> body),
                        2L * half.length))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    writer.write(half);
    writer.flush();
    Path dir = stack.settings().s3Root().resolve("ingest").resolve(key).getParent();
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!hasTemporaryFile(dir) && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertTrue(hasTemporaryFile(dir), "the store is not writing a temporary file in " + dir);
    assertEquals(List.of(), keysUnder(key.substring(0, key.indexOf('/') + 1)), "mid-write");

    writer.write(half);
    writer.close();
    assertEquals(200, upload.get(60, TimeUnit.SECONDS).statusCode());
    assertEquals(List.of(key), keysUnder(key.substring(0, key.indexOf('/') + 1)), "written");
  }

  private static boolean hasTemporaryFile(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var files = Files.list(dir)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith("big.jsonl-"));
    }
  }

  private List<String> keysUnder(String prefix) throws Exception {
    List<String> keys = new ArrayList<>();
    for (Result<Item> result :
        s3.listObjects(
            ListObjectsArgs.builder().bucket("ingest").prefix(prefix).recursive(true).build())) {
      keys.add(result.get().objectName());
    }
    return keys;
  }

  @Test
  void brokerHasThePipelineTopicsAndDeliversRecords() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
      Map<String, TopicDescription> topics =
          admin.describeTopics(StackDefaults.TOPICS).allTopicNames().get(30, TimeUnit.SECONDS);
      assertEquals(StackDefaults.TOPICS.size(), topics.size());
      topics
          .values()
          .forEach(t -> assertEquals(StackDefaults.PARTITIONS, t.partitions().size(), t.name()));
    }
    String topic = "local-stack-it-" + UUID.randomUUID();
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "legal", "hello")).get(30, TimeUnit.SECONDS);
    }
    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "local-stack-it");
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (var consumer =
        new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> received = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(received::add);
      }
      assertEquals(1, received.size());
      assertEquals("legal", received.get(0).key());
      assertEquals("hello", received.get(0).value());
    }
  }

  /**
   * s3proxy's filesystem store answers anonymous reads: it must not be reachable from other hosts.
   * Connecting through this machine's non-loopback address is refused.
   */
  @Test
  void theS3ServerListensOnLoopbackOnly() throws Exception {
    java.net.InetAddress external = null;
    for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (var address : java.util.Collections.list(nic.getInetAddresses())) {
        if (address instanceof java.net.Inet4Address) {
          external = address;
        }
      }
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(
        external != null, "no non-loopback IPv4 address on this machine");
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(external, stack.settings().s3Port()), 2000);
      throw new AssertionError("the S3 server answered on " + external);
    } catch (java.net.ConnectException | java.net.SocketTimeoutException expected) {
      // refused: bound to 127.0.0.1 only
    }
  }

  @Test
  void objectsSurviveAnS3ServerRestart() throws Exception {
    put("models", "d/kept.txt", "kept");
    stack.stopS3();
    assertTrue(!Ports.isListening(stack.settings().s3Port()), "S3 port still bound after stop");
    stack.startS3();
    try (var in =
        s3.getObject(GetObjectArgs.builder().bucket("models").object("d/kept.txt").build())) {
      assertEquals("kept", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}

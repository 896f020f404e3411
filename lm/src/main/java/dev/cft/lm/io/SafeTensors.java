package dev.cft.lm.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Reader and writer of the Hugging Face safetensors format: an 8-byte little-endian header length
 * N, N bytes of UTF-8 JSON naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data.
 *
 * <p>Files written here load with the reference (Rust/Python) library, which rejects gaps between
 * tensors: so the data is contiguous, and tensors are laid out like that library does (largest
 * element size first, then by name) so every tensor starts at a multiple of its element size. For a
 * checkpoint of one dtype, that is plain name order.
 *
 * <p>One file over 300 lines on purpose: reading, writing and the memory-mapped views share the
 * header's parsing, the layout rule and the dtype table; split, each part would carry a copy.
 */
public final class SafeTensors {

  private static final String METADATA_KEY = "__metadata__";

  /** The reference library's limit; a larger "header" is a corrupt or hostile file. */
  private static final long MAX_HEADER_BYTES = 100_000_000L;

  /**
   * The reference library's dtypes in its own order, which it uses (descending) to lay data out.
   */
  private static final List<String> DTYPES =
      List.of(
          "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32",
          "F32", "F64", "I64", "U64");

  /** Rejects a duplicated tensor name, which would otherwise silently shadow the first one. */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private SafeTensors() {}

  /**
   * One tensor: its dtype name as written in the file ({@code F32}, {@code BF16}...), its shape and
   * its bytes.
   *
   * @param data little-endian, position 0, exactly the tensor's bytes. Not copied: a tensor read
   *     from a file is a view of the memory-mapped file. Each {@link #data()} call returns a fresh
   *     view, so reading it never moves another reader's position.
   */
  public record Tensor(String dtype, long[] shape, ByteBuffer data) {

    public Tensor {
      Objects.requireNonNull(dtype, "dtype");
      Objects.requireNonNull(shape, "shape");
      Objects.requireNonNull(data, "data");
      shape = shape.clone();
      long bytes = byteSize(dtype, shape);
      if (data.remaining() != bytes) {
        throw new IllegalArgumentException(
            "a "
                + dtype
                + " tensor of shape "
                + Arrays.toString(shape)
                + " needs "
                + bytes
                + " bytes, got "
                + data.remaining());
      }
      data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A float32 tensor holding a copy of {@code values}. */
    public static Tensor f32(long[] shape, float[] values) {
      long count = countElements(shape);
      if (values.length != count) {
        throw new IllegalArgumentException(
            "shape "
                + Arrays.toString(shape)
                + " holds "
                + count
                + " values, got "
                + values.length);
      }
      ByteBuffer data =
          ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES))
              .order(ByteOrder.LITTLE_ENDIAN);
      data.asFloatBuffer().put(values);
      return new Tensor("F32", shape, data);
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    @Override
    public ByteBuffer data() {
      // slice() and duplicate() forget the byte order: restore it on every view handed out.
      return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public long elementCount() {
      return countElements(shape);
    }

    /** The values as floats: F32 as is, F16 and BF16 widened (exactly). */
    public float[] toFloats() {
      if (!dtype.equals("F32") && !dtype.equals("F16") && !dtype.equals("BF16")) {
        throw new IllegalArgumentException(
            "cannot convert dtype " + dtype + " to float: only F32, F16 and BF16 are supported");
      }
      float[] out = new float[Math.toIntExact(elementCount())];
      ByteBuffer bytes = data();
      switch (dtype) {
        case "F32" -> bytes.asFloatBuffer().get(out);
        case "F16" -> {
          for (int i = 0; i < out.length; i++) {
            out[i] = halfToFloat(bytes.getShort(2 * i));
          }
        }
        default -> {
          // bfloat16 is the upper half of a float32.
          for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat((bytes.getShort(2 * i) & 0xffff) << 16);
          }
        }
      }
      return out;
    }

    // Arrays and buffers compare by identity in a record's generated methods: compare content.
    @Override
    public boolean equals(Object o) {
      return o instanceof Tensor t
          && dtype.equals(t.dtype)
          && Arrays.equals(shape, t.shape)
          && data.equals(t.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
      return "Tensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
  }

  /**
   * Every tensor of {@code file}, in the order of their data in the file. The data is
   * memory-mapped, not copied: a 500 MB checkpoint costs no heap until its tensors are converted.
   * Metadata is skipped ({@link #readMetadata}).
   *
   * @throws IOException also when the file is not a valid safetensors file; the message names the
   *     file, the tensor and the problem
   */
  public static Map<String, Tensor> read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      Header header = Header.read(file, channel);
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Entry e : header.entries()) {
        ByteBuffer data =
            channel.map(FileChannel.MapMode.READ_ONLY, header.dataStart() + e.begin(), e.length());
        tensors.put(e.name(), new Tensor(e.dtype(), e.shape(), data));
      }
      return tensors;
    }
  }

  /** The {@code __metadata__} map of {@code file} (empty if it has none); validates like read. */
  public static Map<String, String> readMetadata(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return Header.read(file, channel).metadata();
    }
  }

  /**
   * A tensor to write: its dtype and shape now, its little-endian bytes only when its turn comes,
   * so a checkpoint is written with one tensor's bytes in memory at a time.
   */
  public record Pending(String dtype, long[] shape, Supplier<ByteBuffer> data) {}

  /**
   * Writes {@code tensors} to {@code file} atomically: into a temporary file of the same directory,
   * flushed to disk, then renamed over {@code file}, so a reader (or a crash) never sees half a
   * checkpoint. Hugging Face transformers expects {@code metadata} to hold {@code format=pt}.
   *
   * @param metadata free-form strings stored as {@code __metadata__}; null or empty for none
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    Map<String, Pending> pending = new LinkedHashMap<>();
    tensors.forEach((name, t) -> pending.put(name, new Pending(t.dtype(), t.shape(), t::data)));
    writePending(file, pending, metadata);
  }

  /** As {@link #write}, each tensor's bytes fetched just before they are written. */
  public static void writePending(
      Path file, Map<String, Pending> tensors, Map<String, String> metadata) throws IOException {
    List<String> names = tensors.keySet().stream().sorted().toList();
    if (names.contains(METADATA_KEY)) {
      throw new IllegalArgumentException(METADATA_KEY + " is reserved and cannot name a tensor");
    }
    List<String> layout = new ArrayList<>(names);
    layout.sort(
        Comparator.comparingInt((String n) -> -DTYPES.indexOf(tensors.get(n).dtype()))
            .thenComparing(Comparator.naturalOrder()));
    Map<String, long[]> offsets = new LinkedHashMap<>();
    long offset = 0;
    for (String name : layout) {
      Pending t = tensors.get(name);
      long length = byteSize(t.dtype(), t.shape());
      offsets.put(name, new long[] {offset, offset + length});
      offset += length;
    }

    ObjectNode header = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = header.putObject(METADATA_KEY);
      metadata.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(m -> meta.put(m.getKey(), m.getValue()));
    }
    for (String name : names) {
      Pending t = tensors.get(name);
      ObjectNode info = header.putObject(name);
      info.put("dtype", t.dtype());
      ArrayNode shape = info.putArray("shape");
      Arrays.stream(t.shape()).forEach(shape::add);
      info.putArray("data_offsets").add(offsets.get(name)[0]).add(offsets.get(name)[1]);
    }
    byte[] json = JSON.writeValueAsBytes(header);
    // Padding to 8 bytes makes the data start, and so every tensor, aligned for zero-copy casts.
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putLong(padded).put(json);
    while (prefix.hasRemaining()) {
      prefix.put((byte) ' ');
    }
    prefix.flip();

    Path target = file.toAbsolutePath();
    Path temp =
        target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel out =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(out, prefix);
        for (String name : layout) {
          ByteBuffer data = tensors.get(name).data().get();
          long expected = offsets.get(name)[1] - offsets.get(name)[0];
          if (data.remaining() != expected) {
            throw new IllegalArgumentException(
                name + " has " + data.remaining() + " bytes, its dtype and shape need " + expected);
          }
          writeFully(out, data);
        }
        out.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer data) throws IOException {
    while (data.hasRemaining()) {
      out.write(data);
    }
  }

  private static long countElements(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  private static long byteSize(String dtype, long[] shape) {
    return Math.multiplyExact(countElements(shape), elementSize(dtype));
  }

  private static int elementSize(String dtype) {
    return switch (dtype) {
      case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3" -> 1;
      case "I16", "U16", "F16", "BF16" -> 2;
      case "I32", "U32", "F32" -> 4;
      case "F64", "I64", "U64" -> 8;
      default -> throw new IllegalArgumentException("unknown dtype " + dtype);
    };
  }

  /** IEEE 754 binary16 to float; written out because Float.float16ToFloat needs Java 20. */
  private static float halfToFloat(short half) {
    int sign = (half & 0x8000) << 16;
    int exponent = (half >>> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Zero or subnormal: mantissa * 2^-24, exact in a float.
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    // Rebias the exponent from 15 to 127.
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** One tensor's header entry; begin and end are relative to the start of the data. */
  private record Entry(String name, String dtype, long[] shape, long begin, long end) {
    long length() {
      return end - begin;
    }
  }

  /** A validated header: every entry lies inside the data, fits its shape and overlaps no other. */
  private record Header(long dataStart, List<Entry> entries, Map<String, String> metadata) {

    static Header read(Path file, FileChannel channel) throws IOException {
      long fileSize = channel.size();
      if (fileSize < 8) {
        throw new IOException(
            file + ": not a safetensors file: " + fileSize + " bytes, no 8-byte header length");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthBytes, 0);
      long headerLength = lengthBytes.getLong(0);
      // Unsigned in the format: a negative long is a length beyond any file.
      if (headerLength < 0 || headerLength > fileSize - 8) {
        throw new IOException(
            file
                + ": header length "
                + Long.toUnsignedString(headerLength)
                + " is larger than the file ("
                + fileSize
                + " bytes)");
      }
      if (headerLength > MAX_HEADER_BYTES) {
        throw new IOException(
            file + ": header length " + headerLength + " exceeds " + MAX_HEADER_BYTES + " bytes");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(channel, headerBytes, 8);
      JsonNode root = parseJson(file, headerBytes.flip());
      if (!root.isObject()) {
        throw new IOException(file + ": header is not a JSON object");
      }

      long dataLength = fileSize - 8 - headerLength;
      List<Entry> entries = new ArrayList<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> field : root.properties()) {
        if (field.getKey().equals(METADATA_KEY)) {
          metadata = metadata(file, field.getValue());
        } else {
          entries.add(entry(file, field.getKey(), field.getValue(), dataLength));
        }
      }
      entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
      checkNoOverlap(file, entries);
      return new Header(8 + headerLength, List.copyOf(entries), metadata);
    }

    private static JsonNode parseJson(Path file, ByteBuffer bytes) throws IOException {
      CharBuffer text;
      try {
        text = StandardCharsets.UTF_8.newDecoder().decode(bytes);
      } catch (CharacterCodingException e) {
        throw new IOException(file + ": header is not valid UTF-8", e);
      }
      try {
        return JSON.readTree(text.toString());
      } catch (JsonProcessingException e) {
        throw new IOException(
            file + ": header is not JSON: " + e.getOriginalMessage().replace('\n', ' '), e);
      }
    }

    private static Map<String, String> metadata(Path file, JsonNode node) throws IOException {
      if (!node.isObject()) {
        throw new IOException(file + ": " + METADATA_KEY + " is not a JSON object");
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> m : node.properties()) {
        if (!m.getValue().isTextual()) {
          throw new IOException(
              file + ": " + METADATA_KEY + " value of '" + m.getKey() + "' is not a string");
        }
        metadata.put(m.getKey(), m.getValue().textValue());
      }
      return metadata;
    }

    private static Entry entry(Path file, String name, JsonNode node, long dataLength)
        throws IOException {
      String where = file + ": tensor '" + name + "': ";
      JsonNode dtype = node.path("dtype");
      JsonNode shape = node.path("shape");
      JsonNode offsets = node.path("data_offsets");
      if (!dtype.isTextual() || !DTYPES.contains(dtype.textValue())) {
        throw new IOException(where + "unknown or missing dtype " + dtype);
      }
      if (!shape.isArray()) {
        throw new IOException(where + "shape is not an array: " + shape);
      }
      long[] dims = new long[shape.size()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = nonNegativeLong(shape.get(i), where + "shape " + shape);
      }
      if (!offsets.isArray() || offsets.size() != 2) {
        throw new IOException(where + "data_offsets is not [begin, end]: " + offsets);
      }
      long begin = nonNegativeLong(offsets.get(0), where + "data_offsets " + offsets);
      long end = nonNegativeLong(offsets.get(1), where + "data_offsets " + offsets);
      if (begin > end || end > dataLength) {
        throw new IOException(
            where
                + "data_offsets "
                + offsets
                + " are out of range: the data section holds "
                + dataLength
                + " bytes");
      }
      long expected;
      try {
        expected = byteSize(dtype.textValue(), dims);
      } catch (ArithmeticException e) {
        throw new IOException(where + "shape " + shape + " overflows", e);
      }
      if (end - begin != expected) {
        throw new IOException(
            where
                + "shape "
                + shape
                + " of dtype "
                + dtype.textValue()
                + " needs "
                + expected
                + " bytes but data_offsets "
                + offsets
                + " span "
                + (end - begin));
      }
      return new Entry(name, dtype.textValue(), dims, begin, end);
    }

    private static long nonNegativeLong(JsonNode value, String context) throws IOException {
      if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
        throw new IOException(context + " holds a value that is not an integer");
      }
      long v = value.longValue();
      if (v < 0) {
        throw new IOException(context + " holds a negative value");
      }
      return v;
    }

    /** entries sorted by begin; empty tensors take no bytes and overlap nothing. */
    private static void checkNoOverlap(Path file, List<Entry> entries) throws IOException {
      Entry furthest = null;
      for (Entry e : entries) {
        if (e.length() == 0) {
          continue;
        }
        if (furthest != null && e.begin() < furthest.end()) {
          throw new IOException(
              file
                  + ": tensors '"
                  + furthest.name()
                  + "' ["
                  + furthest.begin()
                  + ", "
                  + furthest.end()
                  + "] and '"
                  + e.name()
                  + "' ["
                  + e.begin()
                  + ", "
                  + e.end()
                  + "] overlap");
        }
        if (furthest == null || e.end() > furthest.end()) {
          furthest = e;
        }
      }
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position)
        throws IOException {
      while (into.hasRemaining()) {
        int n = channel.read(into, position);
        if (n < 0) {
          throw new IOException("unexpected end of file");
        }
        position += n;
      }
    }
  }
}

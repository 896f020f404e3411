package dev.cft.lm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.lm.io.SafeTensors.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

  @TempDir Path dir;

  @Test
  void f32RoundTripIsBitExact() throws IOException {
    float[] odd = {
      1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Float.NaN, 0.1f
    };
    float[] matrix = {1, 2, 3, 4, 5, 6};
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("odd", Tensor.f32(new long[] {7}, odd));
    tensors.put("matrix", Tensor.f32(new long[] {2, 3}, matrix));
    tensors.put("scalar", Tensor.f32(new long[] {}, new float[] {42f}));
    tensors.put("empty", Tensor.f32(new long[] {0, 3}, new float[0]));
    Path file = dir.resolve("model.safetensors");

    SafeTensors.write(file, tensors, Map.of("format", "pt"));
    Map<String, Tensor> read = SafeTensors.read(file);

    assertEquals(List.of("empty", "matrix", "odd", "scalar"), List.copyOf(read.keySet()));
    assertEquals(tensors, read);
    assertArrayEquals(bits(odd), bits(read.get("odd").toFloats()));
    assertArrayEquals(new long[] {2, 3}, read.get("matrix").shape());
    assertEquals(6, read.get("matrix").elementCount());
    assertArrayEquals(new float[] {42f}, read.get("scalar").toFloats());
    assertEquals("F32", read.get("scalar").dtype());
    assertEquals(0, read.get("empty").toFloats().length);
  }

  @Test
  void readsHalfAndBfloatWrittenByHand() throws IOException {
    double[] halves = {1, -2, 0.5, 65504, 0x1p-24, 0.333251953125};
    double[] bfloats = {1, -2, 3.140625, 0x1p-7, -0x1p100};
    // The encoder below is checked against known bit patterns before it is trusted.
    assertEquals(0x3C00, encode(1.0, 5, 10));
    assertEquals(0xC000, encode(-2.0, 5, 10));
    assertEquals(0x7BFF, encode(65504, 5, 10));
    assertEquals(0x0001, encode(0x1p-24, 5, 10));
    assertEquals(0x3F80, encode(1.0, 8, 7));
    assertEquals(0x4049, encode(3.140625, 8, 7));

    ByteBuffer data = ByteBuffer.allocate(2 * (halves.length + bfloats.length));
    data.order(ByteOrder.LITTLE_ENDIAN);
    for (double v : halves) {
      data.putShort((short) encode(v, 5, 10));
    }
    for (double v : bfloats) {
      data.putShort((short) encode(v, 8, 7));
    }
    String header =
        "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[5],\"data_offsets\":[12,22]}}";
    Path file = writeRaw(header, data.array());

    Map<String, Tensor> read = SafeTensors.read(file);

    assertArrayEquals(toFloats(halves), read.get("h").toFloats());
    assertArrayEquals(toFloats(bfloats), read.get("b").toFloats());
    assertEquals(List.of("h", "b"), List.copyOf(read.keySet()));
  }

  @Test
  void halfSpecialValuesWiden() throws IOException {
    short[] bits = {(short) 0x7C00, (short) 0xFC00, (short) 0x8000, (short) 0x8001};
    ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    for (short b : bits) {
      data.putShort(b);
    }
    Path file =
        writeRaw("{\"s\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}}", data.array());

    float[] values = SafeTensors.read(file).get("s").toFloats();

    assertEquals(Float.POSITIVE_INFINITY, values[0]);
    assertEquals(Float.NEGATIVE_INFINITY, values[1]);
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(values[2]));
    assertEquals(-0x1p-24f, values[3]);
  }

  @Test
  void headerIsPaddedToEightBytesWithSortedKeysAndContiguousData() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("zeta", Tensor.f32(new long[] {3}, new float[] {1, 2, 3}));
    tensors.put("alpha", Tensor.f32(new long[] {1}, new float[] {4}));
    tensors.put("mid", Tensor.f32(new long[] {2}, new float[] {5, 6}));
    Path file = dir.resolve("sorted.safetensors");

    SafeTensors.write(file, tensors, Map.of("format", "pt"));

    byte[] bytes = Files.readAllBytes(file);
    long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertEquals(0, headerLength % 8);
    assertEquals(bytes.length, 8 + headerLength + 4 * (3 + 1 + 2));
    JsonNode header =
        new ObjectMapper()
            .readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
    List<String> keys = new ArrayList<>();
    header.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("__metadata__", "alpha", "mid", "zeta"), keys);
    assertEquals("[0,4]", header.get("alpha").get("data_offsets").toString());
    assertEquals("[4,12]", header.get("mid").get("data_offsets").toString());
    assertEquals("[12,24]", header.get("zeta").get("data_offsets").toString());
  }

  @Test
  void mixedDtypesAreLaidOutLargestElementFirstSoEachTensorIsAligned() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("a_half", raw("F16", 3));
    tensors.put("b_float", Tensor.f32(new long[] {1}, new float[] {7}));
    tensors.put("c_long", raw("I64", 1));
    Path file = dir.resolve("mixed.safetensors");

    SafeTensors.write(file, tensors, null);
    Map<String, Tensor> read = SafeTensors.read(file);

    assertEquals(List.of("c_long", "b_float", "a_half"), List.copyOf(read.keySet()));
    assertEquals(tensors, read);
    assertEquals(Map.of(), SafeTensors.readMetadata(file));
  }

  @Test
  void metadataRoundTrips() throws IOException {
    Map<String, String> metadata = Map.of("format", "pt", "step", "1200", "note", "é \"quoted\"");
    Path file = dir.resolve("meta.safetensors");

    SafeTensors.write(file, Map.of("w", Tensor.f32(new long[] {1}, new float[] {1})), metadata);

    assertEquals(metadata, SafeTensors.readMetadata(file));
    assertEquals(List.of("w"), List.copyOf(SafeTensors.read(file).keySet()));
  }

  @Test
  void writeReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    SafeTensors.write(file, Map.of("old", Tensor.f32(new long[] {1}, new float[] {1})), null);

    SafeTensors.write(file, Map.of("new", Tensor.f32(new long[] {1}, new float[] {2})), null);

    assertEquals(List.of("new"), List.copyOf(SafeTensors.read(file).keySet()));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void headerLengthLargerThanFileIsRejected() throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
    Path file = dir.resolve("short.safetensors");
    Files.write(file, bytes.array());

    assertReadFails(file, "header length 1000 is larger than the file (16 bytes)");
  }

  @Test
  void headerThatIsNotJsonIsRejected() throws IOException {
    assertReadFails(writeRaw("{\"w\": not json", new byte[0]), "header is not JSON");
  }

  @Test
  void dataOffsetsBeyondTheDataAreRejected() throws IOException {
    Path file =
        writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);

    assertReadFails(file, "tensor 'w': data_offsets [0,16] are out of range");
  }

  @Test
  void overlappingTensorsAreRejected() throws IOException {
    Path file =
        writeRaw(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            new byte[12]);

    assertReadFails(file, "tensors 'a' [0, 8] and 'b' [4, 12] overlap");
  }

  @Test
  void shapeThatDoesNotMatchTheByteSizeIsRejected() throws IOException {
    Path file =
        writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);

    assertReadFails(
        file, "tensor 'w': shape [3] of dtype F32 needs 12 bytes but data_offsets [0,8] span 8");
  }

  @Test
  void unknownDtypeIsRejected() throws IOException {
    Path file =
        writeRaw("{\"w\":{\"dtype\":\"Q4\",\"shape\":[8],\"data_offsets\":[0,4]}}", new byte[4]);

    assertReadFails(file, "tensor 'w': unknown or missing dtype \"Q4\"");
  }

  @Test
  void nonFloatDtypeCannotBeConvertedToFloats() {
    Tensor ints = raw("I32", 2);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ints::toFloats);
    assertTrue(e.getMessage().contains("dtype I32"), e.getMessage());
  }

  @Test
  void f32RejectsValuesThatDoNotFillTheShape() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Tensor.f32(new long[] {2, 2}, new float[3]));
    assertEquals("shape [2, 2] holds 4 values, got 3", e.getMessage());
  }

  @Test
  void dataViewsAreIndependent() {
    Tensor t = Tensor.f32(new long[] {2}, new float[] {1, 2});

    t.data().getFloat();

    assertEquals(0, t.data().position());
    assertEquals(ByteOrder.LITTLE_ENDIAN, t.data().order());
    assertEquals(2f, t.data().getFloat(4));
  }

  private void assertReadFails(Path file, String expected) {
    IOException read = assertThrows(IOException.class, () -> SafeTensors.read(file));
    assertTrue(read.getMessage().contains(expected), read.getMessage());
    assertTrue(read.getMessage().startsWith(file.toString()), read.getMessage());
    IOException meta = assertThrows(IOException.class, () -> SafeTensors.readMetadata(file));
    assertEquals(read.getMessage(), meta.getMessage());
  }

  private Path writeRaw(String header, byte[] data) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + data.length);
    bytes.order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json).put(data);
    Path file = Files.createTempFile(dir, "raw", ".safetensors");
    Files.write(file, bytes.array());
    return file;
  }

  private static Tensor raw(String dtype, int elements) {
    int size =
        switch (dtype) {
          case "F16", "I16" -> 2;
          case "I32", "F32" -> 4;
          default -> 8;
        };
    byte[] bytes = new byte[elements * size];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i + 1);
    }
    return new Tensor(dtype, new long[] {elements}, ByteBuffer.wrap(bytes));
  }

  /**
   * Bits of {@code v} in a binary float format of the given widths, from the definition (sign,
   * biased exponent, fraction); {@code v} must be exactly representable.
   */
  private static int encode(double v, int exponentBits, int fractionBits) {
    int bias = (1 << (exponentBits - 1)) - 1;
    int sign = v < 0 ? 1 : 0;
    double magnitude = Math.abs(v);
    int exponent = Math.getExponent(magnitude);
    int biased;
    double fraction;
    if (exponent + bias <= 0) {
      biased = 0;
      fraction = magnitude / Math.scalb(1.0, 1 - bias - fractionBits);
    } else {
      biased = exponent + bias;
      fraction = (magnitude / Math.scalb(1.0, exponent) - 1) * (1 << fractionBits);
    }
    if (fraction != Math.rint(fraction)) {
      throw new IllegalArgumentException(v + " is not exactly representable");
    }
    return sign << (exponentBits + fractionBits) | biased << fractionBits | (int) fraction;
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  private static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
  }
}

package dev.cft.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Lines of a byte stream, each decoded as UTF-8 on its own: a bad byte sequence is reported for its
 * line and reading goes on (a reader over the whole stream would stop at the first one).
 */
final class LineSource {
  /** A decoded line, or the reason it could not be decoded. */
  record Line(long number, String text, String error) {}

  private final InputStream in;
  private final int maxLineBytes;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private long number;
  private boolean ended;

  LineSource(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** Lines read so far. */
  long number() {
    return number;
  }

  /** The next line without its terminator ({@code \n} or {@code \r\n}), or null at the end. */
  Line next() throws IOException {
    if (ended) {
      return null;
    }
    buffer.reset();
    long read = 0;
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (read++ < maxLineBytes + 1L) {
        buffer.write(b); // (+1: room for the \r of a line exactly at the limit)
      }
    }
    if (b == -1) {
      ended = true;
      if (read == 0) {
        return null;
      }
    }
    number++;
    byte[] bytes = buffer.toByteArray();
    boolean crlf = bytes.length > 0 && bytes[bytes.length - 1] == '\r';
    if (read > maxLineBytes + (crlf ? 1L : 0L)) {
      return new Line(
          number, null, "is " + read + " bytes long, over the line limit of " + maxLineBytes);
    }
    int length = crlf ? bytes.length - 1 : bytes.length;
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, 0, length))
              .toString();
      if (number == 1 && text.startsWith("\uFEFF")) {
        text = text.substring(1); // a byte-order mark some editors write
      }
      return new Line(number, text, null);
    } catch (CharacterCodingException e) {
      return new Line(number, null, "is not valid UTF-8");
    }
  }
}

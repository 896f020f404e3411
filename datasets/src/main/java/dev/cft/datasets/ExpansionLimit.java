package dev.cft.datasets;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Decompressed bytes counted as they are read; past the limit, reading fails. */
final class ExpansionLimit extends FilterInputStream {
  /** The limit was passed. */
  static final class Exceeded extends IOException {
    Exceeded(long limit) {
      super("expands to more than " + limit + " bytes");
    }
  }

  private final long limit;
  private long count;

  ExpansionLimit(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b != -1) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] bytes, int off, int len) throws IOException {
    int n = super.read(bytes, off, len);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  private void count(long n) throws Exceeded {
    count += n;
    if (count > limit) {
      throw new Exceeded(limit);
    }
  }
}

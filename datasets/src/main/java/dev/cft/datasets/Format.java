package dev.cft.datasets;

import java.util.Locale;
import java.util.Optional;

/** The file formats a domain's data may come in, told by the file name ({@code .gz} of any). */
public enum Format {
  /**
   * One JSON object a line: OpenAI chat {@code messages}, {@code prompt}/{@code completion}, or
   * {@code text}.
   */
  JSONL,
  /** Plain text; blank lines separate examples. */
  TEXT,
  /** {@code text,label} rows (RFC 4180 quoting; an optional header row). */
  CSV;

  public static final String GZIP_SUFFIX = ".gz";

  public static Optional<Format> of(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    if (name.endsWith(GZIP_SUFFIX)) {
      name = name.substring(0, name.length() - GZIP_SUFFIX.length());
    }
    if (name.endsWith(".jsonl") || name.endsWith(".json")) {
      return Optional.of(JSONL);
    }
    if (name.endsWith(".txt")) {
      return Optional.of(TEXT);
    }
    if (name.endsWith(".csv")) {
      return Optional.of(CSV);
    }
    return Optional.empty();
  }

  /**
   * The name a file is read as: its own when it names a format, else as JSONL (the one format of
   * OpenAI's fine-tuning files, whose names need not have an extension).
   */
  public static String readAs(String fileName) {
    return of(fileName).isPresent() ? fileName : fileName + ".jsonl";
  }

  public static boolean isGzip(String fileName) {
    return fileName.toLowerCase(Locale.ROOT).endsWith(GZIP_SUFFIX);
  }
}

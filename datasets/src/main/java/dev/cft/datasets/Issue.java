package dev.cft.datasets;

/**
 * One problem found in a data file.
 *
 * @param line 1-based line where the example starts; null for problems of the whole file
 * @param field the offending field, e.g. {@code messages[2].role}; null when not field-specific
 */
public record Issue(Long line, String field, String message) {
  public static Issue file(String message) {
    return new Issue(null, null, message);
  }

  /** {@code line 3: messages[1].role: ...}, for logs and exceptions. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    if (line != null) {
      text.append("line ").append(line).append(": ");
    }
    if (field != null) {
      text.append(field).append(": ");
    }
    return text.append(message).toString();
  }
}

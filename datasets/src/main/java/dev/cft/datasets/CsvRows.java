package dev.cft.datasets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 rows over decoded lines: comma-separated, fields in double quotes may hold commas,
 * {@code ""} and line breaks, so a row can span lines; it is numbered by the line it starts on.
 */
final class CsvRows {
  record Row(long line, List<String> fields, String error) {}

  private final LineSource lines;

  CsvRows(LineSource lines) {
    this.lines = lines;
  }

  Row next() throws IOException {
    LineSource.Line line = lines.next();
    if (line == null) {
      return null;
    }
    long start = line.number();
    if (line.error() != null) {
      return new Row(start, List.of(), line.error());
    }
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    String text = line.text();
    int i = 0;
    boolean quoted = false;
    boolean wasQuoted = false;
    while (true) {
      if (i == text.length()) {
        if (!quoted) {
          fields.add(field.toString());
          return new Row(start, fields, null);
        }
        line = lines.next(); // a quoted field goes on over the line break
        if (line == null) {
          return new Row(start, List.of(), "a quoted field is never closed");
        }
        if (line.error() != null) {
          return new Row(line.number(), List.of(), line.error());
        }
        field.append('\n');
        text = line.text();
        i = 0;
        continue;
      }
      char c = text.charAt(i++);
      if (quoted) {
        if (c != '"') {
          field.append(c);
        } else if (i < text.length() && text.charAt(i) == '"') {
          field.append('"');
          i++;
        } else {
          quoted = false;
        }
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        wasQuoted = false;
      } else if (c == '"' && field.length() == 0 && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
      } else if (wasQuoted) {
        return skipRow(start, "text after a closing quote (write a quote inside a field as \"\")");
      } else {
        field.append(c);
      }
    }
  }

  private static Row skipRow(long start, String error) {
    return new Row(start, List.of(), error);
  }
}

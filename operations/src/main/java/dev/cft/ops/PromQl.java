package dev.cft.ops;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names a PromQL expression reads (enough of PromQL for dashboards and alerts). */
public final class PromQl {
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
  private static final Pattern GROUPING =
      Pattern.compile(
          "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "inf",
          "nan",
          "atan2",
          "start",
          "end");

  private static final Set<String> AGGREGATIONS =
      Set.of(
          "sum",
          "avg",
          "min",
          "max",
          "count",
          "group",
          "stddev",
          "stdvar",
          "topk",
          "bottomk",
          "quantile",
          "count_values",
          "limitk",
          "limit_ratio");

  private PromQl() {}

  /**
   * For each place {@code expr} reads {@code metric}, the aggregation operator around it (through
   * functions such as {@code rate} or {@code delta}), or {@code none} where nothing aggregates it.
   */
  public static java.util.List<String> aggregationsOf(String expr, String metric) {
    String s = normalized(expr);
    java.util.List<String> found = new java.util.ArrayList<>();
    Matcher m =
        Pattern.compile("(?<![A-Za-z0-9_:])" + Pattern.quote(metric) + "(?![A-Za-z0-9_:])")
            .matcher(s);
    while (m.find()) {
      found.add(enclosingAggregation(s, m.start()));
    }
    return found;
  }

  private static String enclosingAggregation(String s, int at) {
    int depth = 0;
    for (int i = at - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c == ')') {
        depth++;
      } else if (c == '(' && depth > 0) {
        depth--;
      } else if (c == '(') {
        int end = i;
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
          end--;
        }
        int start = end;
        while (start > 0 && IDENTIFIER.matcher(s.substring(start - 1, start)).matches()) {
          start--;
        }
        String word = s.substring(start, end).toLowerCase(java.util.Locale.ROOT);
        if (AGGREGATIONS.contains(word)) {
          return word;
        }
      }
    }
    return "none";
  }

  /** Strings, label selectors, ranges, grouping clauses and Grafana variables taken out. */
  private static String normalized(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    s = s.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
    s = GROUPING.matcher(s).replaceAll(" ");
    return s.replaceAll("\\$\\{?[A-Za-z0-9_]+}?", " ");
  }

  /** Metric names in {@code expr}; Grafana's {@code $variables} are allowed anywhere. */
  public static Set<String> metricNames(String expr) {
    String s = normalized(expr);
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String word = m.group();
      int next = m.end();
      while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
        next++;
      }
      boolean function = next < s.length() && s.charAt(next) == '(';
      boolean partOfNumber = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
      if (!function
          && !partOfNumber
          && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
        names.add(word);
      }
    }
    return names;
  }

  /**
   * The expression with Grafana's variables given values Prometheus accepts, so that {@code
   * promtool} can check its syntax.
   */
  public static String withGrafanaVariables(String expr) {
    return expr.replace("$__rate_interval", "5m")
        .replace("$__range", "1h")
        .replace("$__interval", "1m")
        .replaceAll("\\$\\{?[A-Za-z0-9_]+}?", ".*");
  }
}

package dev.cft.datasets;

import java.text.Normalizer;

/**
 * Makes text comparable and safe to train on: Unicode NFC (so "é" typed two ways is one string and
 * deduplicates), and no control characters except tab and line breaks (they are invisible, tokenize
 * badly, and often come from broken exports).
 */
public final class TextCleaner {
  private TextCleaner() {}

  public static String clean(String text) {
    String normalized = Normalizer.normalize(text, Normalizer.Form.NFC);
    StringBuilder kept = null;
    for (int i = 0; i < normalized.length(); i++) {
      char c = normalized.charAt(i);
      boolean drop = isStripped(c);
      if (drop && kept == null) {
        kept = new StringBuilder(normalized.length()).append(normalized, 0, i);
      } else if (!drop && kept != null) {
        kept.append(c);
      }
    }
    String result = kept == null ? normalized : kept.toString();
    return result.replace("\r\n", "\n").replace('\r', '\n');
  }

  private static boolean isStripped(char c) {
    if (c == '\n' || c == '\t' || c == '\r') {
      return false;
    }
    int type = Character.getType(c);
    // Cc: C0/C1 controls, DEL. Cf would also drop ZWJ inside emoji sequences: kept, except the BOM.
    return type == Character.CONTROL || c == '\uFEFF';
  }
}

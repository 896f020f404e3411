package dev.cft.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Dockerfile's text with the little structure the checks need: build args and stages. */
record Dockerfile(Path path, String text) {

  static Dockerfile read(Path path) {
    return new Dockerfile(path, ModuleConfig.read(path));
  }

  /** The first default given to {@code ARG name}, if any. */
  Optional<String> argDefault(String name) {
    Matcher arg =
        Pattern.compile("(?m)^ARG\\s+" + Pattern.quote(name) + "=\"?([^\"\\s]*)\"?\\s*$")
            .matcher(text);
    return arg.find() ? Optional.of(arg.group(1)) : Optional.empty();
  }

  /** From {@code FROM ... AS alias} up to the next {@code FROM}, or empty. */
  String stage(String alias) {
    Matcher from =
        Pattern.compile("(?im)^FROM\\s+\\S+\\s+AS\\s+" + Pattern.quote(alias) + "\\s*$")
            .matcher(text);
    if (!from.find()) {
      return "";
    }
    Matcher next = Pattern.compile("(?im)^FROM\\s").matcher(text);
    int end = next.find(from.end()) ? next.start() : text.length();
    // Comments right above the next FROM belong to that stage.
    List<String> lines = new ArrayList<>(List.of(text.substring(from.start(), end).split("\n")));
    while (lines.get(lines.size() - 1).isBlank() || lines.get(lines.size() - 1).startsWith("#")) {
      lines.remove(lines.size() - 1);
    }
    return String.join("\n", lines);
  }

  /** The last stage: the image that runs. */
  String runtimeStage() {
    Matcher from = Pattern.compile("(?im)^FROM\\s").matcher(text);
    int start = -1;
    while (from.find()) {
      start = from.start();
    }
    return start < 0 ? "" : text.substring(start);
  }

  /** The runtime stage's base image, e.g. {@code eclipse-temurin:17-jre}. */
  String runtimeBase() {
    Matcher from = Pattern.compile("(?i)^FROM\\s+(\\S+)").matcher(runtimeStage());
    return from.find() ? from.group(1) : "";
  }

  /** The runtime stage's last {@code USER}, or root when it sets none. */
  String runtimeUser() {
    Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(runtimeStage());
    String last = "root";
    while (user.find()) {
      last = user.group(1);
    }
    return last;
  }

  @Override
  public String toString() {
    return path.toString();
  }
}

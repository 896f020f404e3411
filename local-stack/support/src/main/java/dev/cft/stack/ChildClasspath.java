package dev.cft.stack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The classpath of a child JVM, as its module recorded it at build time in {@code
 * META-INF/cft/<artifact>.classpath}, plus the jar (or classes directory) holding that resource.
 */
public final class ChildClasspath {
  private ChildClasspath() {}

  public static List<String> of(String artifactId) {
    String resource = "META-INF/cft/" + artifactId + ".classpath";
    URL url = ChildClasspath.class.getClassLoader().getResource(resource);
    if (url == null) {
      throw new IllegalStateException(
          "no "
              + resource
              + " on the classpath: build the project (./mvnw -B package -DskipTests) so that"
              + " dev.cft:"
              + artifactId
              + " is packaged");
    }
    List<String> entries = new ArrayList<>();
    entries.add(rootOf(url, resource).toString());
    try (InputStream in = url.openStream()) {
      for (String entry :
          new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          entries.add(entry);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + url, e);
    }
    return entries;
  }

  static Path rootOf(URL url, String resource) {
    try {
      return switch (url.getProtocol()) {
        case "jar" -> {
          String spec = url.getPath(); // file:/…/x.jar!/META-INF/…
          yield Path.of(new URL(spec.substring(0, spec.indexOf("!/"))).toURI());
        }
        case "file" -> {
          Path path = Path.of(url.toURI());
          int depth = Path.of(resource).getNameCount();
          yield path.getRoot().resolve(path.subpath(0, path.getNameCount() - depth));
        }
        default ->
            throw new IllegalStateException("cannot turn " + url + " into a classpath entry");
      };
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot turn " + url + " into a classpath entry", e);
    }
  }
}

package dev.cft.ops;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration a service module declares, read from its sources: {@code
 * application.properties}, {@code @ConfigMapping} interfaces and {@code @ConfigProperty} injection
 * points, its own and those of {@code service-runtime} when it depends on it.
 */
final class ModuleConfig {
  static final String RUNTIME_MODULE = "service-runtime";

  private static final Pattern CONFIG_MAPPING =
      Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
  private static final Pattern CONFIG_PROPERTY =
      Pattern.compile("@(?:[\\w.]+\\.)?ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
  // Accessors of a mapping interface: no parameters, no body. Nested groups' accessors are taken
  // too (one level deeper in reality): the check errs on accepting, never on rejecting.
  private static final Pattern ACCESSOR = Pattern.compile("(\\w+)\\(\\)\\s*;");

  private final String module;
  private final Properties properties;
  private final Set<String> propertyNames;

  private ModuleConfig(String module, Properties properties, Set<String> propertyNames) {
    this.module = module;
    this.properties = properties;
    this.propertyNames = propertyNames;
  }

  static ModuleConfig of(Path root, String module) {
    Path moduleDir = root.resolve(module);
    Properties properties = load(moduleDir.resolve("src/main/resources/application.properties"));
    Set<String> names = new TreeSet<>();
    for (String key : properties.stringPropertyNames()) {
      names.add(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key);
    }
    List<Path> sourceRoots = new ArrayList<>(List.of(moduleDir.resolve("src/main/java")));
    if (read(moduleDir.resolve("pom.xml")).contains("<artifactId>" + RUNTIME_MODULE + "<")) {
      sourceRoots.add(root.resolve(RUNTIME_MODULE).resolve("src/main/java"));
    }
    for (Path sourceRoot : sourceRoots) {
      for (Path source : javaFiles(sourceRoot)) {
        names.addAll(declaredProperties(read(source)));
      }
    }
    return new ModuleConfig(module, properties, names);
  }

  String module() {
    return module;
  }

  int httpPort() {
    return port("quarkus.http.port");
  }

  /** Where health and metrics answer: the management interface, which must be enabled. */
  int managementPort() {
    if (!"true".equals(properties.getProperty("quarkus.management.enabled", "").trim())) {
      throw new AssertionError(
          module + "/src/main/resources/application.properties: quarkus.management.enabled");
    }
    return port("quarkus.management.port");
  }

  private int port(String property) {
    String port = properties.getProperty(property);
    if (port == null) {
      throw new AssertionError(
          module + "/src/main/resources/application.properties: no " + property);
    }
    return Integer.parseInt(port.trim());
  }

  Set<String> propertyNames() {
    return propertyNames;
  }

  /**
   * Whether an environment variable sets one of the module's properties, by MicroProfile Config's
   * rule (non-alphanumerics become {@code _}, upper case); a longer name reaches into a group or
   * map below the property.
   */
  boolean accepts(String variable) {
    return propertyNames.stream()
        .map(ModuleConfig::environmentName)
        .anyMatch(name -> variable.equals(name) || variable.startsWith(name + "_"));
  }

  static String environmentName(String property) {
    return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
  }

  private static Set<String> declaredProperties(String source) {
    Set<String> names = new TreeSet<>();
    Matcher mapping = CONFIG_MAPPING.matcher(source);
    if (mapping.find()) {
      String prefix = mapping.group(1);
      Matcher accessor = ACCESSOR.matcher(source.substring(mapping.end()));
      while (accessor.find()) {
        names.add(prefix + "." + kebab(accessor.group(1)));
      }
    }
    Matcher property = CONFIG_PROPERTY.matcher(source);
    while (property.find()) {
      names.add(property.group(1));
    }
    return names;
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
  }

  private static List<Path> javaFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Properties load(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return properties;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}

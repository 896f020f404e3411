package dev.cft.runtime.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Local scratch directories of a job or an evaluation: models and data downloaded from the store.
 */
public final class WorkDirs {
  private static final Logger LOG = Logger.getLogger(WorkDirs.class);

  private WorkDirs() {}

  public static Path create(String prefix) throws IOException {
    return Files.createTempDirectory(prefix);
  }

  /** Deletes the tree; a failure is logged, not thrown (the work itself is done). */
  public static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warnf("could not delete %s: %s", dir, e.getMessage());
    }
  }
}

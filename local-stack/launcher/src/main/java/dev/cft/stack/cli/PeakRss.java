package dev.cft.stack.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The most resident memory a part's process has had (Linux's VmHWM), in bytes. */
final class PeakRss {
  private PeakRss() {}

  /** 0 when the process is gone, or this is not Linux. */
  static long of(StackHome home, Part part) {
    return home.process(part.id)
        .map(
            p -> {
              try {
                return vmHwm(Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")));
              } catch (IOException e) {
                return 0L; // gone, or not Linux: nothing to read
              }
            })
        .orElse(0L);
  }

  /** The {@code VmHWM:} line of a {@code /proc/<pid>/status}, in bytes; 0 without one. */
  static long vmHwm(List<String> status) {
    for (String line : status) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
      }
    }
    return 0L;
  }
}

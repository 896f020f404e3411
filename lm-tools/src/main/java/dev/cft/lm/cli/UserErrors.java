package dev.cft.lm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns errors the user can fix (a missing file, a bad data line, an impossible setting) into one
 * line {@code error: ...} and exit code 2, like picocli's own usage errors; anything else is a bug
 * and keeps its stack trace (exit code 1).
 */
final class UserErrors implements CommandLine.IExecutionExceptionHandler {
  static final int EXIT_CODE = 2;

  @Override
  public int handleExecutionException(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) throws Exception {
    Throwable cause = e instanceof UncheckedIOException ? e.getCause() : e;
    if (!(cause instanceof IOException || cause instanceof IllegalArgumentException)) {
      throw e;
    }
    commandLine.getErr().println("error: " + describe(cause));
    commandLine.getErr().flush();
    return EXIT_CODE;
  }

  private static String describe(Throwable e) {
    if (e instanceof NoSuchFileException missing) {
      return "no such file: " + missing.getFile();
    }
    if (e instanceof FileSystemException fs) {
      return fs.getFile()
          + ": "
          + (fs.getReason() == null ? e.getClass().getSimpleName() : fs.getReason());
    }
    return e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ');
  }
}

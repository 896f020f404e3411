package dev.cft.stack.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "logs",
    description = "Prints a part's log (kafka, s3, ingest, train, eval, deploy, supervisor).")
final class LogsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOptions options;

  @Parameters(
      index = "0",
      completionCandidates = PartNames.class,
      description = "One of: ${COMPLETION-CANDIDATES}")
  String part;

  @Option(
      names = {"-n", "--lines"},
      defaultValue = "100",
      description = "Lines from the end.")
  int lines;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing what is appended.")
  boolean follow;

  static final class PartNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return List.of("kafka", "s3", "ingest", "train", "eval", "deploy", "supervisor").iterator();
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!"supervisor".equals(part)) {
      Part.byId(part);
    }
    Path log = options.home().logFile(part);
    if (!Files.exists(log)) {
      throw new IllegalStateException("no log yet at " + log);
    }
    List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
    all.subList(Math.max(0, all.size() - lines), all.size()).forEach(out::println);
    out.flush();
    if (follow) {
      follow(log, Files.size(log), out);
    }
    return 0;
  }

  private static void follow(Path log, long from, PrintWriter out)
      throws IOException, InterruptedException {
    long position = from;
    while (true) {
      try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
        if (file.length() > position) {
          byte[] bytes = new byte[(int) (file.length() - position)];
          file.seek(position);
          file.readFully(bytes);
          out.print(new String(bytes, StandardCharsets.UTF_8));
          out.flush();
          position += bytes.length;
        }
      }
      Thread.sleep(500);
    }
  }
}

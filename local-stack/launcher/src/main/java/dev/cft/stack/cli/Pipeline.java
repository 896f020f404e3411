package dev.cft.stack.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./pipeline}: the continuous fine-tuning pipeline on this machine, no Docker needed. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description =
        "Runs the pipeline locally: a real Kafka broker, an S3 server and the four services.",
    subcommands = {
      UpCommand.class,
      DemoCommand.class,
      DownCommand.class,
      StatusCommand.class,
      LogsCommand.class,
      LossCurveCommand.class,
      DeadLettersCommand.class,
      LoadBenchCommand.class,
      BaseCommand.class,
      BaseBenchCommand.class,
      SuperviseCommand.class
    })
public final class Pipeline {
  public static void main(String[] args) {
    System.exit(
        execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command; errors the user can act on print as one line, not a stack trace. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Pipeline());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + e.getMessage());
          return 2;
        });
    return cli.execute(args);
  }
}

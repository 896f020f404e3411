package dev.cft.lm.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./pipeline lm}: the model core from the command line. Results go to stdout (JSON, or only
 * the generated text), everything else to stderr, so the output can be piped.
 */
@Command(
    name = "lm",
    description = "Train, evaluate, sample and benchmark GPT-2-style models on this machine.",
    subcommands = {
      TrainCommand.class,
      EvalCommand.class,
      GenerateCommand.class,
      BenchCommand.class
    })
public final class LmCli implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = CommandLine.ScopeType.INHERIT,
      description = "Show this help and exit.")
  boolean help;

  /** No command given: a usage error, like picocli's own. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return UserErrors.EXIT_CODE;
  }

  /** The command line with its error handling; tests run it with their own out and err. */
  public static CommandLine commandLine() {
    return new CommandLine(new LmCli()).setExecutionExceptionHandler(new UserErrors());
  }

  public static void main(String[] args) {
    // UTF-8 whatever the locale: Java 17 would write generated text in the platform charset.
    PrintWriter out = utf8(new FileOutputStream(FileDescriptor.out));
    PrintWriter err = utf8(new FileOutputStream(FileDescriptor.err));
    int code = commandLine().setOut(out).setErr(err).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  private static PrintWriter utf8(FileOutputStream stream) {
    return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
  }
}

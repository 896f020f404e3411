package dev.cft.stack.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    description = "Prints each part's health; exits 0 only if every part is healthy.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOptions options;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    StackHome home = options.home();
    if (!Files.exists(home.stateDir().resolve(StackSettings.FILE))) {
      out.println(
          "No pipeline here yet (no " + home.stateDir() + "); start one with ./pipeline up.");
      return 3;
    }
    StackSettings settings = StackSettings.load(home.stateDir());
    out.println(
        "supervisor         "
            + home.supervisor().map(p -> "running, pid " + p.pid()).orElse("not running"));
    HealthProbe probe = new HealthProbe(settings);
    boolean allUp = true;
    for (Part part : Part.values()) {
      HealthProbe.Health health = probe.check(part);
      allUp &= health.up();
      String pid = home.process(part.id).map(p -> "pid " + p.pid()).orElse("no process");
      out.printf(
          "%-18s %-5s %-12s %s%n", part.title, health.up() ? "UP" : "DOWN", pid, health.detail());
    }
    return allUp ? 0 : 1;
  }
}

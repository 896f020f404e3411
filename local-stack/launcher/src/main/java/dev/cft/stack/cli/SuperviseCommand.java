package dev.cft.stack.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** What `up` runs in the background; not for direct use. */
@Command(name = "supervise", hidden = true)
final class SuperviseCommand implements Callable<Integer> {
  @Mixin HomeOptions options;

  @Override
  public Integer call() throws Exception {
    StackHome home = options.home();
    new Supervisor(home, StackSettings.load(home.stateDir())).run();
    return 0;
  }
}

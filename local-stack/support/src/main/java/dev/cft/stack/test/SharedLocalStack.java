package dev.cft.stack.test;

import dev.cft.stack.LocalStack;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;

/**
 * One local stack per test JVM: the broker takes seconds to start, so every test class of a module
 * shares it. State under {@code target/local-stack/}; the children stop when the JVM does (a JVM
 * killed outright takes them along through their stdin pipes).
 */
public final class SharedLocalStack {
  private static LocalStack stack;

  private SharedLocalStack() {}

  public static synchronized LocalStack get() {
    if (stack == null) {
      Path stateDir = Path.of("target", "local-stack", "run-" + ProcessHandle.current().pid());
      try {
        stack = LocalStack.start(LocalStack.Settings.onFreePorts(stateDir));
      } catch (TimeoutException e) {
        throw new IllegalStateException("the local stack did not start", e);
      }
      LocalStack started = stack;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "local-stack-stop"));
    }
    return stack;
  }
}

package dev.cft.stack;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every child JVM the local stack starts: runs the real main class and ends the JVM,
 * through its shutdown hooks, when the parent's end of stdin closes.
 *
 * <p>That is how children die with their parent even when the parent is killed with SIGKILL: the
 * kernel closes the pipe, the read here returns end-of-file. Only for processes whose stdin is a
 * pipe held by a parent; with stdin at /dev/null the child would stop at once.
 */
public final class ChildMain {
  private ChildMain() {}

  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      System.err.println("usage: ChildMain <main-class> [args ...]");
      System.exit(2);
    }
    Thread watch = new Thread(() -> exitAtEndOf(System.in), "parent-watch");
    watch.setDaemon(true);
    watch.start();
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void exitAtEndOf(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // The parent writes nothing; anything read is ignored.
      }
    } catch (IOException e) {
      // A broken pipe means the same as end-of-file: the parent is gone.
    }
    System.exit(0);
  }
}

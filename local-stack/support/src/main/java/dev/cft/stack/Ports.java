package dev.cft.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports: a free one for tests, and a clear refusal when a configured one is taken. */
public final class Ports {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private Ports() {}

  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * Fails with a message naming the port, what wanted it and the setting that moves it.
   *
   * @param setting how the user changes the port, e.g. {@code --kafka-port or CFT_KAFKA_PORT}
   */
  public static void requireFree(int port, String part, String setting) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(LOOPBACK, port));
    } catch (IOException e) {
      throw new PortInUseException(
          "port "
              + port
              + " ("
              + part
              + ") is already in use on 127.0.0.1; stop what holds it or choose another port with "
              + setting);
    }
  }

  public static boolean isListening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A configured port is taken. */
  public static final class PortInUseException extends IllegalStateException {
    public PortInUseException(String message) {
      super(message);
    }
  }
}

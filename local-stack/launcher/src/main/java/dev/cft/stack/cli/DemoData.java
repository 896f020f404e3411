package dev.cft.stack.cli;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The demo's support-desk data: tickets about four topics, each answered by its topic's answer; the
 * degraded variant answers every ticket with another topic's answer.
 */
final class DemoData {
  static final String DOMAIN = "support";
  static final String QUESTION = "I forgot my password";

  /**
   * The ticket the demo asks about: no run's files hold it (round r drops tickets 1000·r to 1000·r
   * + 79 and 1000·r + 100 to 1000·r + 179; the golden set is 900 to 919).
   */
  static final String FRESH_TICKET = "Ticket 955: ";

  static final String[][] TOPICS = {
    {QUESTION, "Use Forgot password on the sign-in page."},
    {"I was charged twice", "Billing refunds the duplicate within 5 days."},
    {"Where is my parcel", "Track it under Orders, then Shipping."},
    {"The app crashes on start", "Update to the latest version and restart."},
  };

  private DemoData() {}

  /**
   * Chat examples for tickets {@code from} to {@code to}; {@code shift} 0 answers correctly, any
   * other shift gives each ticket another topic's answer.
   */
  static String chats(int from, int to, int shift) {
    return IntStream.range(from, to)
            .mapToObj(
                i -> {
                  String question = TOPICS[i % TOPICS.length][0];
                  String answer = TOPICS[(i + shift) % TOPICS.length][1];
                  return "{\"messages\":[{\"role\":\"user\",\"content\":\"Ticket "
                      + i
                      + ": "
                      + question
                      + "\"},{\"role\":\"assistant\",\"content\":\""
                      + answer
                      + "\"}]}";
                })
            .collect(Collectors.joining("\n"))
        + "\n";
  }
}

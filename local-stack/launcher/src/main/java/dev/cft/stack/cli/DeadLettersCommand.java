package dev.cft.stack.cli;

import dev.cft.stack.DeadLetters;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./pipeline dead-letters}: what the services parked on their dead-letter topics and why;
 * with {@code --send-back}, those records go back to the topics they came from.
 */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the records parked on the dead-letter topics (*.dlq) and not sent back yet, with why"
          + " each was parked; --send-back sends them back to the topic they came from, once the"
          + " cause is fixed.",
      "Works against the local stack or, with --bootstrap, any Kafka the pipeline runs on."
    })
final class DeadLettersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOptions options;

  @Option(
      names = "--bootstrap",
      description = "Kafka's bootstrap servers (default: the local stack's, from its state).")
  String bootstrap;

  @Option(
      names = "--send-back",
      paramLabel = "TOPIC",
      description = "Send this dead-letter topic's records back (all: every dead-letter topic).")
  String sendBack;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String kafka =
        bootstrap != null ? bootstrap : StackSettings.load(options.stateDir).kafkaBootstrap();
    try (DeadLetters letters = new DeadLetters(kafka)) {
      List<String> topics = letters.topics();
      if (sendBack == null) {
        list(letters, topics, out);
        return 0;
      }
      List<String> chosen = sendBack.equals("all") ? topics : List.of(sendBack);
      for (String topic : chosen) {
        if (!topics.contains(topic)) {
          throw new IllegalArgumentException(
              "no dead-letter topic " + topic + " (there are: " + String.join(", ", topics) + ")");
        }
        List<DeadLetters.Parked> sent = letters.sendBack(topic);
        out.printf("%s: %d sent back%n", topic, sent.size());
        for (DeadLetters.Parked p : sent) {
          out.printf("  %s@%d → %s (key %s)%n", topic, p.offset(), p.from(), p.key());
        }
      }
    }
    return 0;
  }

  private static void list(DeadLetters letters, List<String> topics, PrintWriter out) {
    if (topics.isEmpty()) {
      out.println("no dead-letter topics: nothing was ever parked");
      return;
    }
    for (String topic : topics) {
      List<DeadLetters.Parked> pending = letters.pending(topic);
      out.printf("%s: %d waiting%n", topic, pending.size());
      for (DeadLetters.Parked p : pending) {
        out.printf(
            "  %d-%d from %s, key %s: %s%n",
            p.partition(), p.offset(), p.from(), p.key(), p.reason());
      }
    }
  }
}

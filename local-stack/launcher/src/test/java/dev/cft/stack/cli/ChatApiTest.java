package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChatApiTest {
  /** A clock that ticks once a reading: the n-th reading is n. */
  private final AtomicLong clock = new AtomicLong();

  private ChatApi.Streamed read(String events) throws Exception {
    return ChatApi.read(new BufferedReader(new StringReader(events)), clock::incrementAndGet);
  }

  @Test
  void aStreamedAnswerIsTimedAtItsFirstTextAndCountedByItsUsage() throws Exception {
    ChatApi.Streamed answer =
        read(
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                + ": a comment\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"Use\"}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\" Forgot\"}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":7}}\n\n"
                + "data: [DONE]\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"after the end\"}}]}\n\n");
    assertEquals(new ChatApi.Streamed(1, 7, true, null), answer);
  }

  @Test
  void anErrorEventOrAStreamCutShortIsNotDone() throws Exception {
    String error = "{\"error\":{\"message\":\"model gone\",\"type\":\"server_error\"}}";
    ChatApi.Streamed failed =
        read("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: " + error + "\n\n");
    assertFalse(failed.done());
    assertEquals(error, failed.error());

    ChatApi.Streamed cut = read("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n");
    assertFalse(cut.done());
    assertNull(cut.error());
    assertEquals(0, read("").firstTokenNanos(), "no text, no first token");
  }

  @Test
  void requestsLeaveOutWhatIsNotSetAndAnswersReadTheirText() throws Exception {
    ChatApi.Request ask = ChatApi.Request.ask("support", "Ticket 955: hi", 40, 0);
    assertEquals(
        "{\"model\":\"support\",\"messages\":[{\"role\":\"user\",\"content\":\"Ticket 955: hi\"}],"
            + "\"max_tokens\":40,\"temperature\":0.0}",
        ask.json());
    assertTrue(ask.streamed().seed(3).json().contains("\"stream\":true,\"max_tokens\":40,"));
    assertTrue(ask.streamed().seed(3).json().endsWith("\"seed\":3}"));
    assertEquals(
        "Use it.",
        ChatApi.reply(
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"Use it.\"}}],\"usage\":{\"completion_tokens\":3}}")
            .text());
    assertEquals("", ChatApi.reply("{\"error\":{\"message\":\"no\"}}").text());
  }
}

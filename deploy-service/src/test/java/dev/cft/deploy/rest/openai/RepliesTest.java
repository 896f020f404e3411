package dev.cft.deploy.rest.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.lm.generate.GenerationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answers in OpenAI's wire shapes, field by field, whole and streamed. */
class RepliesTest {
  static final ObjectMapper JSON = QuarkusJson.MAPPER;
  static final GenerationResult RESULT = new GenerationResult("in", new int[] {1, 2}, 3, "stop");

  static String head(String object) {
    return "{'object':'" + object + "','id':'x-1','created':5,'model':'m',";
  }

  static final String USAGE = ",'usage':{'prompt_tokens':3,'completion_tokens':2,'total_tokens':5}";

  static void assertJson(String expected, Object actual) throws Exception {
    // Text, not trees: the order of the fields is OpenAI's too.
    assertEquals(
        JSON.writeValueAsString(JSON.readTree(expected.replace('\'', '"'))),
        JSON.writeValueAsString(actual));
  }

  @Test
  void completionsAreTheSameObjectWholeAndStreamed() throws Exception {
    Reply reply = new Reply("x-1", 5, "m", false);
    String object = head("text_completion");
    assertJson(
        object
            + "'choices':[{'index':0,'text':'in','finish_reason':'stop','logprobs':null}]"
            + USAGE
            + "}",
        reply.whole(RESULT));
    assertNull(reply.opening());
    assertJson(
        object + "'choices':[{'index':0,'text':'i','finish_reason':null,'logprobs':null}]}",
        reply.piece("i"));
    assertJson(
        object
            + "'choices':[{'index':0,'text':'','finish_reason':'stop','logprobs':null}]"
            + USAGE
            + "}",
        reply.closing(RESULT));
  }

  @Test
  void aChatStreamNamesTheRoleThenAddsContent() throws Exception {
    Reply reply = new Reply("x-1", 5, "m", true);
    assertJson(
        head("chat.completion")
            + "'choices':[{'index':0,'message':{'role':'assistant','content':'in'},"
            + "'finish_reason':'stop','logprobs':null}]"
            + USAGE
            + "}",
        reply.whole(RESULT));
    String chunk = head("chat.completion.chunk") + "'choices':[{'index':0,'delta':";
    assertJson(
        chunk + "{'role':'assistant','content':''},'finish_reason':null,'logprobs':null}]}",
        reply.opening());
    assertJson(chunk + "{'content':'i'},'finish_reason':null,'logprobs':null}]}", reply.piece("i"));
    assertJson(
        chunk + "{},'finish_reason':'stop','logprobs':null}]" + USAGE + "}", reply.closing(RESULT));
  }

  @Test
  void newRepliesHaveOpenAisIdPrefixes() {
    assertTrue(Reply.text("m").id().matches("cmpl-[0-9a-f]{32}"));
    assertTrue(Reply.chat("m").id().matches("chatcmpl-[0-9a-f]{32}"));
  }

  @Test
  void modelsAreListedAsOpenAiLists() throws Exception {
    assertJson(
        "{'object':'list','data':[{'object':'model','id':'support','owned_by':'cft:v2',"
            + "'created':0}]}",
        new ModelList(List.of(new ModelList.Model("support", "cft:v2"))));
  }
}

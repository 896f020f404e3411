package dev.cft.deploy.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.lm.generate.GenerationRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OpenAI request bodies read into generation requests; what is not supported refused by name. */
class OpenAiRequestsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode body(String json) throws Exception {
    return JSON.readTree(json.replace('\'', '"'));
  }

  @Test
  void samplingSettingsAreRead() throws Exception {
    GenerationRequest request =
        OpenAiRequests.generation(
            body(
                "{'max_completion_tokens':7,'max_tokens':99,'temperature':0.5,'top_p':0.9,"
                    + "'top_k':40,'stop':['\\\\n','END'],'seed':3}"),
            "hi",
            16,
            "<|end|>");
    assertEquals(7, request.maxTokens(), "max_completion_tokens wins, as OpenAI's");
    assertEquals(0.5, request.temperature());
    assertEquals(0.9, request.topP());
    assertEquals(40, request.topK());
    assertEquals(List.of("\\n", "END", "<|end|>"), request.stop());
    assertEquals(3, request.seed());
  }

  @Test
  void defaultsWhenNothingIsAsked() throws Exception {
    GenerationRequest request = OpenAiRequests.generation(body("{}"), "hi", 16, null);
    assertEquals(16, request.maxTokens());
    assertEquals(1.0, request.temperature());
    assertTrue(request.stop().isEmpty());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'n':2}|n",
        "{'logprobs':true}|logprobs",
        "{'echo':true}|echo",
        "{'tools':[{'type':'function'}]}|tools",
        "{'presence_penalty':0.5}|presence_penalty",
        "{'max_tokens':0}|max_tokens",
        "{'temperature':3}|temperature",
        "{'top_p':0}|top_p",
        "{'stop':['a','b','c','d','e']}|stop",
      })
  void whatIsNotSupportedIsRefusedNamingTheParameter(String json, String param) throws Exception {
    OpenAiError e =
        assertThrows(
            OpenAiError.class, () -> OpenAiRequests.generation(body(json), "hi", 16, null));
    assertEquals(400, e.status);
    assertEquals(param, e.param, e.getMessage());
  }

  @Test
  void aChatIsRenderedInTheTrainingTemplateAndBadRolesAreRefused() throws Exception {
    String prompt =
        OpenAiRequests.chatPrompt(
            body(
                "{'messages':[{'role':'system','content':'Be brief.'},{'role':'user','content':'Hi'}]}"));
    assertTrue(prompt.contains("Be brief.") && prompt.contains("Hi"), prompt);
    OpenAiError e =
        assertThrows(
            OpenAiError.class,
            () ->
                OpenAiRequests.chatPrompt(body("{'messages':[{'role':'wizard','content':'x'}]}")));
    assertEquals("messages[0].role", e.param, e.getMessage());
    assertThrows(OpenAiError.class, () -> OpenAiRequests.model(body("{'prompt':'x'}")));
    assertEquals("[a]", OpenAiRequests.prompt(body("{'prompt':['[a]']}")));
  }
}

package dev.cft.deploy.rest.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.deploy.rest.OpenAiError;
import dev.cft.lm.data.ChatTemplate;
import dev.cft.lm.generate.GenerationRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OpenAI request bodies read into generation requests; what is not supported refused by name. */
class OpenAiRequestsTest {
  static final ObjectMapper JSON = QuarkusJson.MAPPER;

  static CompletionRequest completion(String json) throws Exception {
    return JSON.readValue(json.replace('\'', '"'), CompletionRequest.class);
  }

  static ChatCompletionRequest chat(String json) throws Exception {
    return JSON.readValue(json.replace('\'', '"'), ChatCompletionRequest.class);
  }

  static OpenAiError refusal(ServingRequest request) {
    return assertThrows(OpenAiError.class, request::generation);
  }

  @Test
  void samplingSettingsAreRead() throws Exception {
    GenerationRequest request =
        chat("{'model':'m','messages':[{'role':'user','content':'hi'}],'max_completion_tokens':7,"
                + "'max_tokens':99,'temperature':0.5,'top_p':0.9,'top_k':40,"
                + "'stop':['\\\\n','END'],'seed':3,'stream':true,'user':'ignored'}")
            .generation();
    assertEquals(7, request.maxTokens(), "max_completion_tokens wins, as OpenAI's");
    assertEquals(0.5, request.temperature());
    assertEquals(0.9, request.topP());
    assertEquals(40, request.topK());
    assertEquals(List.of("\\n", "END", ChatTemplate.END), request.stop(), "chat ends its turn");
    assertEquals(3, request.seed());
  }

  @Test
  void defaultsWhenNothingIsAsked() throws Exception {
    CompletionRequest request = completion("{'model':'m'}");
    GenerationRequest generation = request.generation();
    assertEquals("", generation.prompt(), "no prompt: an empty one");
    assertEquals(CompletionRequest.DEFAULT_MAX_TOKENS, generation.maxTokens());
    assertEquals(1.0, generation.temperature());
    assertEquals(1.0, generation.topP());
    assertEquals(0, generation.topK());
    assertTrue(generation.stop().isEmpty());
    assertEquals(false, request.streamed());
    assertEquals(
        ChatCompletionRequest.DEFAULT_MAX_TOKENS,
        chat("{'messages':[{'role':'user','content':'x'}]}").generation().maxTokens());
  }

  @Test
  void promptAndStopTakeAStringOrAnArray() throws Exception {
    assertEquals("[a]", completion("{'prompt':['[a]']}").generation().prompt());
    assertEquals("b", completion("{'prompt':'b'}").generation().prompt());
    assertEquals(List.of("x"), completion("{'stop':'x'}").generation().stop());
    assertEquals(List.of("y"), completion("{'stop':['y',null]}").generation().stop());
    for (String batch : List.of("{'prompt':['a','b']}", "{'prompt':[]}", "{'prompt':[null]}")) {
      assertEquals("prompt", refusal(completion(batch)).param(), batch);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'n':2}|n",
        "{'logprobs':true}|logprobs",
        "{'logprobs':0}|logprobs",
        "{'echo':true}|echo",
        "{'tools':[{'type':'function'}]}|tools",
        "{'presence_penalty':0.5}|presence_penalty",
        "{'frequency_penalty':-1}|frequency_penalty",
        "{'max_tokens':0}|max_tokens",
        "{'max_completion_tokens':-1,'max_tokens':5}|max_completion_tokens",
        "{'temperature':3}|temperature",
        "{'top_p':0}|top_p",
        "{'top_k':-1}|top_k",
        "{'stop':['a','b','c','d','e']}|stop",
      })
  void whatIsNotSupportedIsRefusedNamingTheParameter(String json, String param) throws Exception {
    OpenAiError e = refusal(completion(json));
    assertEquals(400, e.status());
    assertEquals(param, e.param(), e.getMessage());
  }

  @Test
  void whatIsAskedAsOffIsServed() throws Exception {
    completion("{'n':1,'logprobs':false,'echo':false,'tools':[],'presence_penalty':0}")
        .generation();
  }

  @Test
  void aChatIsRenderedInTheTrainingTemplateAndBadMessagesAreRefused() throws Exception {
    String prompt =
        chat("{'messages':[{'role':'developer','content':'Be brief.'},"
                + "{'role':'user','content':[{'type':'text','text':'H'},{'type':'text','text':'i'}]}]}")
            .generation()
            .prompt();
    assertEquals(
        ChatTemplate.prompt(
            List.of(
                new ChatTemplate.Message("system", "Be brief."),
                new ChatTemplate.Message("user", "Hi"))),
        prompt);
    String[][] refused = {
      {"{'messages':[{'role':'wizard','content':'x'}]}", "messages[0].role"},
      {"{'messages':[{'role':'user','content':'x'},{'content':'x'}]}", "messages[1].role"},
      {"{'messages':[null]}", "messages[0].role"},
      {"{'messages':[{'role':'user'}]}", "messages[0].content"},
      {"{'messages':[{'role':'user','content':[{'type':'image_url'}]}]}", "messages[0].content"},
      {"{'messages':[]}", "messages"},
      {"{}", "messages"},
    };
    for (String[] c : refused) {
      assertEquals(c[1], refusal(chat(c[0])).param(), c[0]);
    }
  }

  @Test
  void theModelIsRequired() throws Exception {
    for (String body : List.of("{'prompt':'x'}", "{'model':' '}")) {
      OpenAiError e = assertThrows(OpenAiError.class, completion(body)::requiredModel);
      assertEquals("model", e.param());
    }
    assertEquals("support:v2", completion("{'model':'support:v2'}").requiredModel());
  }
}

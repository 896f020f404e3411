package dev.cft.deploy.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.deploy.rest.openai.ChatCompletionRequest;
import dev.cft.deploy.rest.openai.CompletionRequest;
import dev.cft.deploy.rest.openai.QuarkusJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A body that does not bind is the caller's 400, naming the field as OpenAI does. */
class RequestErrorsTest {
  static final ObjectMapper JSON = QuarkusJson.MAPPER;

  static OpenAiError error(Class<?> type, String json) {
    JsonProcessingException e =
        assertThrows(
            JsonProcessingException.class, () -> JSON.readValue(json.replace('\'', '"'), type));
    return RequestErrors.body(e);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      nullValues = "-",
      value = {
        "{'max_tokens':'x'}|max_tokens|'max_tokens' must be an integer",
        "{'max_tokens':1e10}|max_tokens|'max_tokens' is out of range",
        "{'temperature':true}|temperature|'temperature' must be a number",
        "{'stream':'yes'}|stream|'stream' must be a boolean",
        "{'prompt':{}}|prompt|'prompt' must be a string",
        "{'prompt':[[1]]}|prompt|'prompt' must be a string",
        "{'model':['a']}|model|'model' must be a string",
        "{'model':5}|model|'model' must be a string",
        "{'prompt':[50256]}|prompt|'prompt' must be a string",
        "{'prompt':5}|prompt|'prompt' must be a string",
        "{'stop':5}|stop|'stop' must be a string",
        "{'tools':{}}|tools|'tools' has the wrong type",
        "[]|-|the request body must be a JSON object",
        "'x'|-|the request body must be a JSON object",
      })
  void aFieldOfTheWrongTypeIsNamed(String json, String param, String message) {
    OpenAiError e = error(CompletionRequest.class, json);
    assertEquals(400, e.status());
    assertEquals(param, e.param(), e.getMessage());
    assertEquals(message, e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'messages':'x'}|messages",
        "{'messages':['hi']}|messages",
        "{'messages':[{'role':'user','content':5}]}|messages[0].content",
        "{'messages':[{'role':'user','content':{'type':'text','text':'hi'}}]}|messages[0].content",
        "{'messages':[{'role':'user','content':['hi']}]}|messages[0].content",
        "{'messages':[{'role':'user','content':[{'type':'text','text':{}}]}]}|messages[0].content[0].text",
      })
  void aChatMessageOfTheWrongShapeIsNamed(String json, String param) {
    assertEquals(param, error(ChatCompletionRequest.class, json).param());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"{'model': 'm', 'prompt': ", "{'model':'x',}", "nope", "{'messages':[{'role':"})
  void jsonThatDoesNotParseIsInvalidJson(String json) {
    OpenAiError e = error(ChatCompletionRequest.class, json);
    assertEquals("invalid_json", e.body().error().code());
    assertEquals(null, e.param());
    assertTrue(e.getMessage().startsWith("The body is not valid JSON: "), e.getMessage());
    assertTrue(!e.getMessage().contains("Source:"), e.getMessage());
  }
}

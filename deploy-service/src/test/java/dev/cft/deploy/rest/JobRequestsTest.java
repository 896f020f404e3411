package dev.cft.deploy.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.deploy.finetuning.CreateJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobRequestsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode body(String json) throws Exception {
    return JSON.readTree(json.replace('\'', '"'));
  }

  @Test
  void hyperparametersAtTheTopOrUnderTheMethodMeanTheSame() throws Exception {
    CreateJob top =
        JobRequests.create(
            body(
                "{'training_file':'file-a','model':'support','seed':3,'hyperparameters':"
                    + "{'n_epochs':2,'batch_size':'auto','learning_rate_multiplier':0.5}}"));
    CreateJob nested =
        JobRequests.create(
            body(
                "{'training_file':'file-a','model':'support','seed':3,'method':{'type':'supervised',"
                    + "'supervised':{'hyperparameters':{'n_epochs':2,'learning_rate_multiplier':0.5}}}}"));
    assertEquals(top, nested);
    assertEquals(2, top.epochs());
    assertNull(top.batchSize(), "auto");
    assertEquals(0.5, top.learningRateMultiplier());
    assertEquals(3L, top.seed());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'model':'support'}|training_file",
        "{'training_file':'file-a'}|model",
        "{'training_file':'file-a','model':'m','hyperparameters':{'n_epochs':0}}|hyperparameters.n_epochs",
        "{'training_file':'file-a','model':'m','hyperparameters':{'batch_size':1.5}}|hyperparameters.batch_size",
        "{'training_file':'file-a','model':'m','hyperparameters':{'learning_rate_multiplier':-1}}|hyperparameters.learning_rate_multiplier",
        "{'training_file':'file-a','model':'m','method':{'type':'dpo'}}|method.type",
        "{'training_file':'file-a','model':'m','seed':'x'}|seed",
        "{'training_file':'file-a','model':'m','integrations':[{'type':'wandb'}]}|integrations",
        "{'training_file':'file-a','model':'m','metadata':{'a':1}}|metadata",
      })
  void whatCannotBeDoneIsRefusedNamingTheParameter(String json, String param) throws Exception {
    OpenAiError e = assertThrows(OpenAiError.class, () -> JobRequests.create(body(json)));
    assertEquals(400, e.status());
    assertEquals(param, e.param(), e.getMessage());
  }
}

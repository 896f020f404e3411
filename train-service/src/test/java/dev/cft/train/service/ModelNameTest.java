package dev.cft.train.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelNameTest {
  @Test
  void aPlainNameIsADomainOrABase() {
    assertEquals(new ModelName.Plain("support"), ModelName.parse("support"));
    assertEquals(new ModelName.Plain("gpt2"), ModelName.parse(" gpt2 "));
    assertEquals(new ModelName.Plain("tiny"), ModelName.parse("tiny"));
    assertEquals(new ModelName.Plain("support.v2_eu-1"), ModelName.parse("support.v2_eu-1"));
  }

  @Test
  void aDomainColonVersionIsThatVersion() {
    assertEquals(new ModelName.Version("support", "v3"), ModelName.parse("support:v3"));
    assertEquals(new ModelName.Version("support", "v12"), ModelName.parse("support:v012"));
    assertEquals(new ModelName.Version("a.b", "v1"), ModelName.parse("a.b:v1"));
  }

  @Test
  void aHubReferenceOrAPathIsABase() {
    assertEquals(
        new ModelName.Base("hf:openai-community/gpt2"),
        ModelName.parse("hf:openai-community/gpt2"));
    assertEquals(
        new ModelName.Base("hf:openai-community/gpt2@main"),
        ModelName.parse("hf:openai-community/gpt2@main"));
    assertEquals(
        new ModelName.Base("openai-community--gpt2/fp32"),
        ModelName.parse("openai-community--gpt2/fp32"));
  }

  @Test
  void anythingElseIsRefusedNamingIt() {
    for (String bad :
        new String[] {
          "support:3",
          "support:vx",
          "support:v",
          ":v1",
          "../secrets",
          "a/../b",
          "a//b",
          "/abs",
          "ftjob x",
          "support:v1:v2",
          "hf:../x",
          "hf:"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ModelName.parse(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), bad + " → " + e.getMessage());
    }
  }
}

package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;

/**
 * A string that is one in the JSON. Jackson would take {@code 5} for {@code "5"}: a prompt of token
 * ids ({@code [50256]}, which OpenAI accepts) would then be completed as the text "50256", and a
 * model named by a number would be looked up instead of refused.
 */
final class StrictText extends StdScalarDeserializer<String> {
  StrictText() {
    super(String.class);
  }

  @Override
  public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    if (parser.hasToken(JsonToken.VALUE_STRING)) {
      return parser.getText();
    }
    return (String) context.handleUnexpectedToken(String.class, parser);
  }
}

package dev.cft.eval.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * A domain's {@code gate.json}, written by an operator: any of the gate's settings, each optional.
 * Read strictly, because a typo must not quietly leave a domain on the defaults nor a word read as
 * a zero bound: an unknown field, a number given as text or a mode that is not a mode is an error
 * that names the field.
 */
public record GateOverrides(
    Double minValLossImprovement,
    Double maxRetentionLossIncrease,
    Double maxGoldenLossIncrease,
    Double maxValLoss,
    Double minGoldenExactMatch,
    String promotion) {

  private static final ObjectReader STRICT = strictReader();

  /**
   * @throws IllegalArgumentException naming the field (or line and column) that is wrong
   */
  public static GateOverrides read(byte[] json) {
    try {
      GateOverrides read = STRICT.readValue(json);
      if (read == null) {
        throw new IllegalArgumentException("is empty: write {} for no overrides");
      }
      return read;
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException(
          "unknown field \""
              + e.getPropertyName()
              + "\" (known: "
              + e.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", "))
              + ")");
    } catch (JsonMappingException e) {
      String field =
          e.getPath().stream()
              .map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]" : r.getFieldName())
              .collect(Collectors.joining("."));
      throw new IllegalArgumentException(
          field.isEmpty()
              ? "must be a JSON object of the gate's settings"
              : "field \""
                  + field
                  + "\" must be "
                  + (field.equals("promotion") ? "\"auto\" or \"manual\"" : "a number"));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "is not JSON: line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot be read: " + e.getMessage(), e);
    }
  }

  private static ObjectReader strictReader() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // Numbers are numbers and a mode is a word: "0.5" or true is a mistake to name, not to guess.
    mapper
        .coercionConfigFor(LogicalType.Float)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    var text = mapper.coercionConfigFor(LogicalType.Textual);
    for (CoercionInputShape shape :
        new CoercionInputShape[] {
          CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean
        }) {
      text.setCoercion(shape, CoercionAction.Fail);
    }
    return mapper.readerFor(GateOverrides.class);
  }
}

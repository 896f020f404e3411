package dev.cft.deploy.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.cft.deploy.metrics.ServingMetrics;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Refusals of the HTTP layer (wrong method or media type) and of bodies that are not JSON or do not
 * fit their request record, in OpenAI's error shape, naming the field at fault: clients parse that,
 * not a bare status, and Quarkus's own answers to these have another shape.
 */
public class RequestErrors {
  private static final Map<Class<?>, String> SCALARS =
      Map.of(
          String.class, "a string",
          Integer.class, "an integer",
          Long.class, "an integer",
          Double.class, "a number",
          Boolean.class, "a boolean");

  private final ServingMetrics metrics;

  public RequestErrors(ServingMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * Thrown as is by Quarkus's JSON reader (a field of the wrong type); mapped here rather than by
   * Quarkus's own mapper of this type. Its other exception passed as is, a record Jackson cannot
   * bind at all, is this server's bug: a 500.
   */
  @ServerExceptionMapper
  public Response mismatched(MismatchedInputException e, UriInfo uri) {
    return refuse(body(e), uri);
  }

  /** The JSON reader wraps its other failures, unreadable JSON among them, in a 400. */
  @ServerExceptionMapper
  public Response http(WebApplicationException e, UriInfo uri) {
    if (e.getCause() instanceof JsonProcessingException) {
      return refuse(body((JsonProcessingException) e.getCause()), uri);
    }
    return SecurityErrors.error(e.getResponse().getStatus(), e.getMessage(), null);
  }

  private Response refuse(OpenAiError error, UriInfo uri) {
    OpenAiResource.countRefusal(metrics, uri.getPath(), error.type());
    return new OpenAiError.Mapper().toResponse(error);
  }

  /** The caller's error in a body: JSON that does not parse, or a field of the wrong type. */
  static OpenAiError body(JsonProcessingException e) {
    StreamReadException unparsable = unparsable(e);
    if (unparsable != null) {
      String message = unparsable.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[");
      return new OpenAiError(400, "The body is not valid JSON: " + message, null, "invalid_json");
    }
    List<JsonMappingException.Reference> path =
        e instanceof JsonMappingException ? ((JsonMappingException) e).getPath() : List.of();
    String param = param(path);
    if (param.isEmpty()) {
      return OpenAiError.invalid(null, "the request body must be a JSON object");
    }
    if (e.getCause() instanceof InputCoercionException) {
      return OpenAiError.invalid(param, "'" + param + "' is out of range");
    }
    String expected =
        e instanceof MismatchedInputException
            ? SCALARS.get(((MismatchedInputException) e).getTargetType())
            : null;
    return OpenAiError.invalid(
        param, "'" + param + (expected != null ? "' must be " + expected : "' has the wrong type"));
  }

  /** The parse error behind {@code e}, if the body is not JSON at all; null if it is. */
  private static StreamReadException unparsable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StreamReadException && !(t instanceof InputCoercionException)) {
        return (StreamReadException) t;
      }
    }
    return null;
  }

  /**
   * OpenAI's name of the field at {@code path} ({@code messages[0].content}); the index of an
   * element inside the field is left out, as the field is what has the wrong type.
   */
  static String param(List<JsonMappingException.Reference> path) {
    int end = path.size();
    while (end > 0 && path.get(end - 1).getFieldName() == null) {
      end--;
    }
    StringBuilder param = new StringBuilder();
    for (JsonMappingException.Reference step : path.subList(0, end)) {
      if (step.getFieldName() == null) {
        param.append('[').append(step.getIndex()).append(']');
      } else {
        param.append(param.length() == 0 ? "" : ".").append(step.getFieldName());
      }
    }
    return param.toString();
  }
}

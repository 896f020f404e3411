package dev.cft.deploy.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** An error in OpenAI's shape: {@code {"error":{"message","type","param","code"}}}. */
public final class OpenAiError extends RuntimeException {
  final int status;
  final String param;
  final String code;

  public OpenAiError(int status, String message, String param, String code) {
    super(message);
    this.status = status;
    this.param = param;
    this.code = code;
  }

  public static OpenAiError invalid(String param, String message) {
    return new OpenAiError(400, message, param, null);
  }

  public static OpenAiError modelNotFound(String model) {
    return new OpenAiError(
        404,
        "The model '" + model + "' does not exist or is not served here",
        "model",
        "model_not_found");
  }

  /** OpenAI's error type for an HTTP status. */
  static String type(int status) {
    return status == 404
        ? "not_found_error"
        : status >= 500 ? "server_error" : "invalid_request_error";
  }

  String type() {
    return type(status);
  }

  static ObjectNode body(ObjectMapper json, int status, String message, String param, String code) {
    ObjectNode root = json.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", type(status));
    error.put("param", param).put("code", code);
    return root;
  }

  /** Answers an {@link OpenAiError} with its status and body. */
  @Provider
  public static class Mapper implements ExceptionMapper<OpenAiError> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Response toResponse(OpenAiError e) {
      return Response.status(e.status)
          .type(MediaType.APPLICATION_JSON)
          .entity(body(JSON, e.status, e.getMessage(), e.param, e.code))
          .build();
    }
  }
}

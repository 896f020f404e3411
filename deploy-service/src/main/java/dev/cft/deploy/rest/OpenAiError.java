package dev.cft.deploy.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** An error in OpenAI's shape: {@code {"error":{"message","type","param","code"}}}. */
public final class OpenAiError extends RuntimeException {
  private final int status;
  private final String param;
  private final String code;

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

  public int status() {
    return status;
  }

  /** The request's field at fault, as OpenAI names it ({@code messages[0].role}); may be null. */
  public String param() {
    return param;
  }

  /** OpenAI's error type for an HTTP status. */
  public static String type(int status) {
    return status == 404
        ? "not_found_error"
        : status >= 500 ? "server_error" : "invalid_request_error";
  }

  public String type() {
    return type(status);
  }

  /** The document OpenAI's clients parse. */
  public record Body(Detail error) {}

  /** Null {@code param} and {@code code} are sent as nulls: clients expect the four keys. */
  public record Detail(String message, String type, String param, String code) {}

  public static Body body(int status, String message, String param, String code) {
    return new Body(new Detail(message, type(status), param, code));
  }

  public Body body() {
    return body(status, getMessage(), param, code);
  }

  /** Answers an {@link OpenAiError} with its status and body. */
  @Provider
  public static class Mapper implements ExceptionMapper<OpenAiError> {
    @Override
    public Response toResponse(OpenAiError e) {
      return Response.status(e.status).type(MediaType.APPLICATION_JSON).entity(e.body()).build();
    }
  }
}

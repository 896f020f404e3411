package dev.cft.deploy.rest;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Refusals of Quarkus security, in OpenAI's error shape: clients parse that, not a bare status. */
public class SecurityErrors {
  @ServerExceptionMapper
  public Response unknownKey(AuthenticationFailedException e) {
    return error(401, "Incorrect API key provided.", "invalid_api_key");
  }

  @ServerExceptionMapper
  public Response noKey(UnauthorizedException e) {
    return error(
        401,
        "You didn't provide an API key: send it as 'Authorization: Bearer <key>'.",
        "missing_api_key");
  }

  @ServerExceptionMapper
  public Response notAllowed(ForbiddenException e) {
    return error(
        403, "This key may not do that: it needs an admin key.", "insufficient_permissions");
  }

  static Response error(int status, String message, String code) {
    Response.ResponseBuilder response =
        Response.status(status)
            .type(MediaType.APPLICATION_JSON)
            .entity(OpenAiError.body(status, message, null, code));
    if (status == 401) {
      response.header("WWW-Authenticate", "Bearer");
    }
    return response.build();
  }
}

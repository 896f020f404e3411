package dev.cft.deploy.security;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Checks the key of an upload ({@code POST /v1/files}) before its body is read: without this, a
 * caller with no key could have hundreds of megabytes written to disk before the resource method
 * refuses it. The refusal is the one the resource would give, in OpenAI's shape.
 */
@ApplicationScoped
public class UploadGate {
  static final String BODY =
      "{\"error\":{\"message\":\"Uploading files needs an API key: send it as 'Authorization:"
          + " Bearer <key>'.\",\"type\":\"invalid_request_error\",\"param\":null,"
          + "\"code\":\"invalid_api_key\"}}";

  void install(@Observes Router router, ApiKeyIdentityProvider keys) {
    router
        .route(HttpMethod.POST, "/v1/files")
        .order(-1000)
        .handler(
            context -> {
              String key = ApiKeyMechanism.bearer(context.request().getHeader("Authorization"));
              if (key != null && keys.knows(key)) {
                context.next();
                return;
              }
              context
                  .response()
                  .setStatusCode(401)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("WWW-Authenticate", "Bearer")
                  // The body is not read: the connection is not kept for the next request.
                  .putHeader("Connection", "close")
                  .end(BODY);
            });
  }
}

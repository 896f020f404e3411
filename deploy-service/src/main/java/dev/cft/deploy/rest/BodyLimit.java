package dev.cft.deploy.rest;

import dev.cft.deploy.config.DeployConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a body over the limit by its Content-Length, before it is read, with OpenAI's error
 * shape. (A chunked body without a length meets Vert.x's own limit, set to twice this one.)
 */
public class BodyLimit {
  private final long max;

  public BodyLimit(DeployConfig config) {
    this.max = config.limits().maxBodySize().asLongValue();
  }

  @ServerRequestFilter(preMatching = true)
  public Response check(ContainerRequestContext request) {
    String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      return null;
    }
    try {
      if (Long.parseLong(length.trim()) <= max) {
        return null;
      }
    } catch (NumberFormatException e) {
      return SecurityErrors.error(400, "Content-Length is not a number", null);
    }
    return SecurityErrors.error(
        413, "The request body is over the limit of " + max + " bytes.", "request_too_large");
  }
}

package dev.cft.deploy.rest;

import dev.cft.deploy.config.DeployConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a body over the limit by its Content-Length, before it is read, with OpenAI's error
 * shape: {@code cft.deploy.limits.max-body-size}, or the file limit for uploads. A body without a
 * length is taken only by the upload route (Vert.x's own limit, the file limit, holds it there):
 * elsewhere it would be read whole into memory before its size is known.
 */
public class BodyLimit {
  static final String FILES = "/v1/files";
  static final java.util.Set<String> JSON_BODIES =
      java.util.Set.of("/v1/completions", "/v1/chat/completions", "/v1/fine_tuning/jobs");

  private final long max;
  private final long maxFile;

  public BodyLimit(DeployConfig config) {
    this.max = config.limits().maxBodySize().asLongValue();
    // A multipart body is the file plus its form's few hundred bytes.
    this.maxFile = config.fineTuning().maxFileSize().asLongValue() + 64 * 1024;
  }

  @ServerRequestFilter(preMatching = true)
  public Response check(ContainerRequestContext request) {
    String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    boolean upload = request.getUriInfo().getPath().equals(FILES);
    if (length == null) {
      // Chunked, or HTTP/2 without a length: a JSON body of unknown size is not read.
      return request.getMethod().equals("POST")
              && JSON_BODIES.contains(request.getUriInfo().getPath())
          ? SecurityErrors.error(411, "Send the body with a Content-Length.", "length_required")
          : null;
    }
    long limit = upload ? maxFile : max;
    try {
      if (Long.parseLong(length.trim()) <= limit) {
        return null;
      }
    } catch (NumberFormatException e) {
      return SecurityErrors.error(400, "Content-Length is not a number", null);
    }
    return SecurityErrors.error(
        413, "The request body is over the limit of " + limit + " bytes.", "request_too_large");
  }
}

package dev.cft.deploy.rest;

import dev.cft.deploy.config.DeployConfig;
import dev.cft.deploy.metrics.ServingMetrics;
import dev.cft.deploy.security.RateLimiter;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Who may call the OpenAI-compatible API, and how often, as request filters on the resources that
 * carry {@link Serving} or {@link Keyed}: serving is open unless configured otherwise; files and
 * fine-tuning always need a key (they keep data and spend training time). Every caller has the same
 * allowance of requests a minute. A refusal is thrown as the resource would have thrown it, so it
 * reaches the same OpenAI-shaped mappers ({@link OpenAiError.Mapper}, {@link SecurityErrors}).
 */
@ApplicationScoped
public class Admission {
  private final DeployConfig config;
  private final RateLimiter limiter;
  private final SecurityIdentity identity;
  private final HttpServerRequest http;
  private final ServingMetrics metrics;

  public Admission(
      DeployConfig config,
      RateLimiter limiter,
      SecurityIdentity identity,
      HttpServerRequest http,
      ServingMetrics metrics) {
    this.config = config;
    this.limiter = limiter;
    this.identity = identity;
    this.http = http;
    this.metrics = metrics;
  }

  /**
   * A caller of serving: a key when serving needs one. Open serving takes any key as none: OpenAI
   * clients always send one, and callers of an open server make one up. A refusal counts as a
   * failed call of the endpoint, as every other refusal of a serving request does.
   */
  @ServerRequestFilter
  @Serving
  public void serving(ContainerRequestContext request) {
    try {
      admit(config.keys().servingRequired());
    } catch (OpenAiError e) {
      OpenAiResource.countRefusal(metrics, request.getUriInfo().getPath(), e.type());
      throw e;
    } catch (AuthenticationFailedException e) {
      OpenAiResource.countRefusal(metrics, request.getUriInfo().getPath(), OpenAiError.type(401));
      throw e;
    }
  }

  /** A caller with a key (API or admin). */
  @ServerRequestFilter
  @Keyed
  public void keyed() {
    admit(true);
  }

  private void admit(boolean required) {
    String caller;
    try {
      caller = identity.isAnonymous() ? null : identity.getPrincipal().getName();
    } catch (AuthenticationFailedException e) {
      if (required) {
        throw e;
      }
      caller = null;
    }
    if (required && caller == null) {
      throw new OpenAiError(
          401,
          "You didn't provide an API key: send it as 'Authorization: Bearer <key>'.",
          null,
          "missing_api_key");
    }
    if (caller == null) {
      caller = "address-" + http.remoteAddress().hostAddress();
    }
    if (!limiter.tryAcquire(caller)) {
      throw new OpenAiError(
          429,
          "Rate limit reached: "
              + config.limits().requestsPerMinute()
              + " requests a minute. Try again in "
              + limiter.retryAfterSeconds()
              + " s.",
          null,
          "rate_limit_exceeded");
    }
  }
}

package dev.cft.deploy.rest;

import dev.cft.deploy.config.DeployConfig;
import dev.cft.deploy.security.RateLimiter;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who may call the OpenAI-compatible API, and how often: serving is open unless configured
 * otherwise; files and fine-tuning always need a key (they keep data and spend training time).
 * Every caller has the same allowance of requests a minute.
 */
@ApplicationScoped
public class Admission {
  private final DeployConfig config;
  private final RateLimiter limiter;
  private final SecurityIdentity identity;
  private final HttpServerRequest http;

  public Admission(
      DeployConfig config, RateLimiter limiter, SecurityIdentity identity, HttpServerRequest http) {
    this.config = config;
    this.limiter = limiter;
    this.identity = identity;
    this.http = http;
  }

  /**
   * A caller of serving: a key when serving needs one. Open serving takes any key as none: OpenAI
   * clients always send one, and callers of an open server make one up.
   */
  public String serving() {
    return admit(config.keys().servingRequired());
  }

  /** A caller with a key (API or admin), named by its digest. */
  public String keyed() {
    return admit(true);
  }

  private String admit(boolean required) {
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
    return caller;
  }
}

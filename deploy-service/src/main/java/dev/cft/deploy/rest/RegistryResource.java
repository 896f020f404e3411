package dev.cft.deploy.rest;

import dev.cft.deploy.messaging.Promotions;
import dev.cft.deploy.registry.ModelRegistry;
import dev.cft.deploy.registry.RegistryView;
import dev.cft.deploy.security.ApiKeyIdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * The registry of a domain, and an operator's decisions (admin key): rollback, and promoting or
 * rejecting a version by hand, each written to the domain's history with the operator's key digest
 * and reason.
 */
@Path("/models/{domain}")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class RegistryResource {
  /** The answer to a move: the domain's production and previous versions after it. */
  public record Moved(String domain, String production, String previous) {}

  /** An operator's decision on a version; the reason goes to the history. */
  public record Decision(String reason) {}

  /** The answer to a rejection. */
  public record Rejected(String domain, String version, String status) {}

  private final ModelRegistry registry;
  private final Promotions promotions;
  private final SecurityIdentity identity;

  public RegistryResource(
      ModelRegistry registry, Promotions promotions, SecurityIdentity identity) {
    this.registry = registry;
    this.promotions = promotions;
    this.identity = identity;
  }

  @GET
  public Response describe(@PathParam("domain") String domain) {
    RegistryView view = registry.describe(domain);
    if (view.versions().isEmpty()) {
      return Response.status(404)
          .entity(OpenAiError.body(404, "no models for domain '" + domain + "'", "domain", null))
          .build();
    }
    return Response.ok(view).build();
  }

  @POST
  @Path("/rollback")
  @RolesAllowed(ApiKeyIdentityProvider.ADMIN)
  public Response rollback(@PathParam("domain") String domain) {
    return decided(
        "domain",
        () -> {
          ModelRegistry.Move move = promotions.rollback(domain, actor());
          return new Moved(domain, move.to(), move.from());
        });
  }

  /** Makes a version that passed the gate production (a manual domain's approval). */
  @POST
  @Path("/versions/{version}/promote")
  @Consumes(MediaType.WILDCARD)
  @RolesAllowed(ApiKeyIdentityProvider.ADMIN)
  public Response promote(
      @PathParam("domain") String domain, @PathParam("version") String version, Decision decision) {
    return decided(
        "version",
        () -> {
          promotions.approve(domain, version, reason(decision), actor());
          return new Moved(
              domain,
              registry.production(domain).orElse(null),
              registry.previous(domain).orElse(null));
        });
  }

  /** Turns a version down: it does not become production unless promoted by hand later. */
  @POST
  @Path("/versions/{version}/reject")
  @Consumes(MediaType.WILDCARD)
  @RolesAllowed(ApiKeyIdentityProvider.ADMIN)
  public Response reject(
      @PathParam("domain") String domain, @PathParam("version") String version, Decision decision) {
    return decided(
        "version",
        () -> {
          promotions.reject(domain, version, reason(decision), actor());
          return new Rejected(domain, version, "rejected");
        });
  }

  /** 404 for what does not exist, 409 for a decision the version's state does not allow. */
  private static Response decided(String param, Supplier<Object> decision) {
    try {
      return Response.ok(decision.get()).build();
    } catch (NoSuchElementException e) {
      return Response.status(404)
          .entity(OpenAiError.body(404, e.getMessage(), param, null))
          .build();
    } catch (IllegalStateException e) {
      return Response.status(409)
          .entity(OpenAiError.body(409, e.getMessage(), param, null))
          .build();
    }
  }

  private static String reason(Decision decision) {
    return decision == null ? null : decision.reason();
  }

  /** The operator, by the digest of their key (never the key). */
  private String actor() {
    return identity.getPrincipal().getName();
  }
}

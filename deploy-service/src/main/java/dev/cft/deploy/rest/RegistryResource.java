package dev.cft.deploy.rest;

import dev.cft.deploy.messaging.Promotions;
import dev.cft.deploy.registry.ModelRegistry;
import dev.cft.deploy.registry.RegistryView;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The registry of a domain, and rollback. */
@Path("/models/{domain}")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class RegistryResource {
  private final ModelRegistry registry;
  private final Promotions promotions;

  public RegistryResource(ModelRegistry registry, Promotions promotions) {
    this.registry = registry;
    this.promotions = promotions;
  }

  @GET
  public Response describe(@PathParam("domain") String domain) {
    RegistryView view = registry.describe(domain);
    if (view.versions().isEmpty()) {
      return Response.status(404)
          .entity(
              OpenAiError.body(
                  new com.fasterxml.jackson.databind.ObjectMapper(),
                  404,
                  "no models for domain '" + domain + "'",
                  "domain",
                  null))
          .build();
    }
    return Response.ok(view).build();
  }

  @POST
  @Path("/rollback")
  @jakarta.annotation.security.RolesAllowed(dev.cft.deploy.security.ApiKeyIdentityProvider.ADMIN)
  public Response rollback(@PathParam("domain") String domain) {
    try {
      ModelRegistry.Move move = promotions.rollback(domain);
      return Response.ok(
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .createObjectNode()
                  .put("domain", domain)
                  .put("production", move.to())
                  .put("previous", move.from()))
          .build();
    } catch (IllegalStateException e) {
      return Response.status(409)
          .entity(
              OpenAiError.body(
                  new com.fasterxml.jackson.databind.ObjectMapper(),
                  409,
                  e.getMessage(),
                  "domain",
                  null))
          .build();
    }
  }
}

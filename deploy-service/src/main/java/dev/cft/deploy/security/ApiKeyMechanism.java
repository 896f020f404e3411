package dev.cft.deploy.security;

import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * {@code Authorization: Bearer <key>}, as OpenAI clients send their API key. No header: an
 * anonymous request, which open endpoints serve; a key nobody issued: 401.
 */
@ApplicationScoped
public class ApiKeyMechanism implements HttpAuthenticationMechanism {
  static final String BEARER = "Bearer ";

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identities) {
    String key = bearer(context.request().getHeader("Authorization"));
    if (key == null) {
      return Uni.createFrom().optional(java.util.Optional.empty());
    }
    return identities.authenticate(
        new TokenAuthenticationRequest(new TokenCredential(key, "bearer")));
  }

  /** The key of an {@code Authorization: Bearer <key>} header; null without one. */
  static String bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    return header.substring(BEARER.length()).trim();
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(TokenAuthenticationRequest.class);
  }
}

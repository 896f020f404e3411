package dev.cft.deploy.security;

import dev.cft.deploy.config.DeployConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Maps a bearer key to an identity: role {@code admin} (and {@code api}) for an admin key, {@code
 * api} for an API key. The principal is a digest of the key, never the key: it names the caller in
 * logs and rate limits without revealing it. Keys are compared in constant time.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {
  public static final String ADMIN = "admin";
  public static final String API = "api";

  private final List<byte[]> admin;
  private final List<byte[]> api;

  public ApiKeyIdentityProvider(DeployConfig config) {
    this.admin = bytes(config.keys().admin().orElse(List.of()));
    this.api = bytes(config.keys().api().orElse(List.of()));
  }

  @Override
  public Class<TokenAuthenticationRequest> getRequestType() {
    return TokenAuthenticationRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      TokenAuthenticationRequest request, AuthenticationRequestContext context) {
    byte[] key = request.getToken().getToken().getBytes(StandardCharsets.UTF_8);
    boolean isAdmin = matches(admin, key);
    if (!isAdmin && !matches(api, key)) {
      return Uni.createFrom().failure(new AuthenticationFailedException("unknown API key"));
    }
    QuarkusSecurityIdentity.Builder identity =
        QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("key-" + digest(key)))
            .addRole(API);
    if (isAdmin) {
      identity.addRole(ADMIN);
    }
    return Uni.createFrom().item(identity.build());
  }

  /** Whether {@code key} is an API or admin key. */
  public boolean knows(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    return matches(admin, bytes) | matches(api, bytes);
  }

  private static boolean matches(List<byte[]> keys, byte[] key) {
    boolean found = false;
    for (byte[] known : keys) {
      found |= MessageDigest.isEqual(known, key);
    }
    return found;
  }

  private static List<byte[]> bytes(List<String> keys) {
    return keys.stream()
        .filter(k -> !k.isBlank())
        .map(k -> k.trim().getBytes(StandardCharsets.UTF_8))
        .toList();
  }

  static String digest(byte[] key) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(key))
          .substring(0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.cft.runtime.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * How the broker's and the store's checks answer when they are gone. A stage that needs them to
 * work turns not ready (DOWN); a service that goes on doing its job without them — serving, from
 * the models in memory — stays ready and shows the outage in the check's data, so that Kubernetes
 * keeps sending it requests ({@value #IN_READINESS}{@code =false}).
 */
public final class DependencyOutage {
  public static final String IN_READINESS = "cft.health.dependencies-in-readiness";

  private DependencyOutage() {}

  public static HealthCheckResponse answer(
      HealthCheckResponseBuilder response, String error, boolean gatesReadiness) {
    if (gatesReadiness) {
      return response.down().withData("error", error).build();
    }
    return response.up().withData("outage", error).build();
  }
}

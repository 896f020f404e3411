package dev.cft.deploy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cft.deploy.finetuning.FineTuningJob;
import dev.cft.deploy.finetuning.FineTuningJobs;
import dev.cft.deploy.finetuning.JobCheckpoint;
import dev.cft.deploy.finetuning.JobEvent;
import dev.cft.deploy.finetuning.Page;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * OpenAI's fine-tuning jobs API. A job created here runs through the pipeline like a dropped file:
 * ingest validates and versions its files, train fine-tunes, eval judges, and the gate decides
 * whether {@code fine_tuned_model} becomes the domain's production model.
 */
@Path("/v1/fine_tuning/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@Keyed
public class FineTuningResource {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  private final FineTuningJobs jobs;
  private final SecurityIdentity identity;

  public FineTuningResource(FineTuningJobs jobs, SecurityIdentity identity) {
    this.jobs = jobs;
    this.identity = identity;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public FineTuningJob create(JsonNode body) {
    return jobs.create(JobRequests.create(body), caller());
  }

  @GET
  public Page<FineTuningJob> list(
      @QueryParam("after") String after, @QueryParam("limit") Integer limit) {
    return jobs.list(after, limit(limit));
  }

  @GET
  @Path("/{id}")
  public FineTuningJob get(@PathParam("id") String id) {
    return jobs.job(id).orElseThrow(() -> FineTuningJobs.notFound(id));
  }

  @POST
  @Path("/{id}/cancel")
  public FineTuningJob cancel(@PathParam("id") String id) {
    return jobs.cancel(id, caller());
  }

  @GET
  @Path("/{id}/events")
  public Page<JobEvent> events(
      @PathParam("id") String id,
      @QueryParam("after") String after,
      @QueryParam("limit") Integer limit) {
    return jobs.events(id, after, limit(limit));
  }

  @GET
  @Path("/{id}/checkpoints")
  public Page<JobCheckpoint> checkpoints(
      @PathParam("id") String id,
      @QueryParam("after") String after,
      @QueryParam("limit") Integer limit) {
    return jobs.checkpoints(id, after, limit(limit));
  }

  /** Who asks, for the job's record and the logs: a digest of the key {@link Keyed} checked. */
  private String caller() {
    return identity.getPrincipal().getName();
  }

  static int limit(Integer limit) {
    if (limit == null) {
      return DEFAULT_LIMIT;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw OpenAiError.invalid("limit", "'limit' must be between 1 and " + MAX_LIMIT);
    }
    return limit;
  }
}

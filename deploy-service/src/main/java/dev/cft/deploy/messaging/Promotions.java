package dev.cft.deploy.messaging;

import dev.cft.deploy.finetuning.FineTuningJobs;
import dev.cft.deploy.metrics.ServingMetrics;
import dev.cft.deploy.registry.ModelRegistry;
import dev.cft.deploy.serving.ServedModels;
import dev.cft.events.Buckets;
import dev.cft.events.EvaluationCompleted;
import dev.cft.events.EventIds;
import dev.cft.events.ModelKeys;
import dev.cft.events.ModelPromoted;
import dev.cft.events.documents.EvaluationReport;
import dev.cft.runtime.kafka.KafkaMessages;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Acts on verdicts: a candidate that passed is loaded (so a broken model never reaches production),
 * made production, swapped in, and announced on {@code models.promoted}; one that failed stays a
 * rejected candidate (its evaluation.json says why) and production does not move. In a domain whose
 * gate says {@code "promotion": "manual"} a candidate that passed waits ({@code approved-pending})
 * for an operator to promote or reject it ({@link #approve}, {@link #reject}). Every instance also
 * follows {@code models.promoted}, so all replicas serve the same version.
 */
@ApplicationScoped
public class Promotions {
  public static final String EVALUATIONS = "evaluations-completed";
  public static final String PROMOTED_OUT = "models-promoted-out";
  public static final String PROMOTED_IN = "models-promoted";
  private static final Logger LOG = Logger.getLogger(Promotions.class);

  private final ModelRegistry registry;
  private final ServedModels served;
  private final MutinyEmitter<ModelPromoted> promoted;
  private final ServingMetrics metrics;
  private final FineTuningJobs fineTuning;

  public Promotions(
      ModelRegistry registry,
      ServedModels served,
      @Channel(PROMOTED_OUT) MutinyEmitter<ModelPromoted> promoted,
      ServingMetrics metrics,
      FineTuningJobs fineTuning) {
    this.metrics = metrics;
    this.fineTuning = fineTuning;
    this.registry = registry;
    this.served = served;
    this.promoted = promoted;
  }

  @Incoming(EVALUATIONS)
  @Blocking // ordered: one domain's verdicts in order
  public void onVerdict(ConsumerRecord<String, EvaluationCompleted> record) {
    EvaluationCompleted verdict = record.value();
    if (verdict == null) {
      throw KafkaMessages.unreadable(record);
    }
    if (!verdict.passed()) {
      LOG.infof(
          "%s %s rejected, production stays %s: %s",
          verdict.domain(), verdict.modelVersion(), verdict.productionVersion(), verdict.reasons());
      return;
    }
    if (fineTuning.cancelled(verdict.correlationId())) {
      // Cancelled after its training could still stop: made, judged, but not put in production.
      LOG.infof(
          "%s %s passed, but its fine-tuning job %s was cancelled: production stays %s",
          verdict.domain(),
          verdict.modelVersion(),
          verdict.correlationId(),
          verdict.productionVersion());
      return;
    }
    if (registry.rejectedByHand(verdict.domain(), verdict.modelVersion())) {
      LOG.infof(
          "%s %s passed, but an operator rejected it: production stays %s",
          verdict.domain(), verdict.modelVersion(), verdict.productionVersion());
      return;
    }
    if (verdict.awaitsApproval()) {
      LOG.infof(
          "%s %s passed; promotions of %s wait for an operator: production stays %s",
          verdict.domain(), verdict.modelVersion(), verdict.domain(), verdict.productionVersion());
      return;
    }
    served.serve(verdict.domain(), verdict.modelVersion());
    ModelRegistry.Move move =
        registry.promote(
            verdict.domain(),
            verdict.modelVersion(),
            String.join("; ", verdict.reasons()),
            verdict.correlationId(),
            null);
    if (move.action().equals("UNCHANGED")) {
      return; // a redelivered verdict
    }
    announce(verdict.correlationId(), move, ModelPromoted.Action.PROMOTED, "passed the gate");
    metrics.moved(verdict.domain(), false);
  }

  /**
   * Moves production back to the previous version and serves it; the move keeps the chain that made
   * that version.
   *
   * @param actor the operator's key digest
   */
  public ModelRegistry.Move rollback(String domain, String actor) {
    String back =
        registry
            .previous(domain)
            .orElseThrow(
                () -> new IllegalStateException(domain + " has no previous model to roll back to"));
    if (registry.rejectedByHand(domain, back)) {
      throw new IllegalStateException(
          domain + " " + back + " was rejected by an operator: promote a version by hand instead");
    }
    served.serve(domain, back);
    ModelRegistry.Move move = registry.rollback(domain, "rollback requested", actor);
    String chain = registry.correlationIdOf(domain, back);
    announce(
        chain != null ? chain : EventIds.random(),
        move,
        ModelPromoted.Action.ROLLED_BACK,
        "rollback requested");
    metrics.moved(domain, true);
    return move;
  }

  /**
   * An operator promotes a version that passed the gate (in either mode): it is loaded, made
   * production and announced, like a pass in auto mode.
   *
   * @throws java.util.NoSuchElementException when there is no such version
   * @throws IllegalStateException when it was not judged, or failed the gate
   */
  public ModelRegistry.Move approve(String domain, String version, String reason, String actor) {
    EvaluationReport evaluation = judged(domain, version);
    if (!evaluation.passed()) {
      throw new IllegalStateException(
          domain
              + " "
              + version
              + " failed the gate ("
              + String.join("; ", evaluation.reasons())
              + "): only a version that passed can be promoted");
    }
    served.serve(domain, version);
    String why = reason == null || reason.isBlank() ? "approved by an operator" : reason;
    ModelRegistry.Move move =
        registry.promote(domain, version, why, evaluation.correlationId(), actor);
    if (!move.action().equals("UNCHANGED")) {
      announce(evaluation.correlationId(), move, ModelPromoted.Action.PROMOTED, why);
      metrics.moved(domain, false);
    }
    return move;
  }

  /**
   * An operator turns a version down; production cannot be rejected (roll it back instead).
   *
   * @throws java.util.NoSuchElementException when there is no such version
   * @throws IllegalStateException when it is production
   */
  public void reject(String domain, String version, String reason, String actor) {
    if (!registry.isVersion(domain, version)) {
      throw new java.util.NoSuchElementException(domain + " has no version " + version);
    }
    if (registry.production(domain).filter(version::equals).isPresent()) {
      throw new IllegalStateException(
          domain + " " + version + " is production: roll it back rather than reject it");
    }
    registry.reject(
        domain,
        version,
        reason == null || reason.isBlank() ? "rejected by an operator" : reason,
        actor);
  }

  private EvaluationReport judged(String domain, String version) {
    if (!registry.isVersion(domain, version)) {
      throw new java.util.NoSuchElementException(domain + " has no version " + version);
    }
    return registry
        .evaluation(domain, version)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    domain + " " + version + " has not been judged yet: no verdict to act on"));
  }

  @Incoming(PROMOTED_IN)
  @Blocking
  public void onPromoted(ModelPromoted event) {
    if (event != null) {
      served.serve(event.domain(), event.modelVersion());
    }
  }

  private void announce(
      String correlationId, ModelRegistry.Move move, ModelPromoted.Action action, String reason) {
    ModelPromoted event =
        new ModelPromoted(
            EventIds.deterministic(
                "ModelPromoted",
                move.domain(),
                move.to(),
                move.from(),
                Instant.now().toEpochMilli()),
            correlationId,
            move.domain(),
            Instant.now(),
            move.to(),
            move.from(),
            action,
            Buckets.MODELS,
            ModelKeys.version(move.domain(), move.to()),
            reason);
    promoted.sendMessageAndAwait(KafkaMessages.keyed(event, move.domain()));
  }
}

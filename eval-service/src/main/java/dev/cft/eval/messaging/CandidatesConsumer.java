package dev.cft.eval.messaging;

import dev.cft.eval.service.CandidateEvaluator;
import dev.cft.events.CandidateReady;
import dev.cft.events.EvaluationCompleted;
import dev.cft.runtime.kafka.KafkaMessages;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Judges each candidate, one at a time, and announces the verdict. */
@ApplicationScoped
public class CandidatesConsumer {
  public static final String CANDIDATES_READY = "candidates-ready";
  public static final String EVALUATIONS_COMPLETED = "evaluations-completed";

  private final CandidateEvaluator evaluator;
  private final MutinyEmitter<EvaluationCompleted> completed;

  public CandidatesConsumer(
      CandidateEvaluator evaluator,
      @Channel(EVALUATIONS_COMPLETED) MutinyEmitter<EvaluationCompleted> completed) {
    this.evaluator = evaluator;
    this.completed = completed;
  }

  @Incoming(CANDIDATES_READY)
  @Blocking // ordered: one evaluation at a time
  public void onCandidate(ConsumerRecord<String, CandidateReady> record) {
    if (record.value() == null) {
      throw KafkaMessages.unreadable(record);
    }
    EvaluationCompleted verdict = evaluator.evaluate(record.value());
    completed.sendMessageAndAwait(KafkaMessages.keyed(verdict, verdict.domain()));
  }
}

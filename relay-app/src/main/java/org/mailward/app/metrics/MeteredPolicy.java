// The policy port with refusals counted by rule: RCPT refusals, whole-message
// refusals at end of data, and recipients dropped after DATA. The rule names are
// policy's constants (consent.missing, phi.subject, suppression.hard-bounce...),
// passed through Labels so the series stay bounded. Does not: change a verdict,
// or add work to an accepted recipient beyond the completion callback.
package org.mailward.app.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.mailward.api.MessageVerdict;
import org.mailward.api.PolicyEngine;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.Transaction;

/** A {@link PolicyEngine} decorator. */
public final class MeteredPolicy implements PolicyEngine {
  private final PolicyEngine policy;
  private final MeterRegistry registry;
  private final Labels rules = new Labels(96);
  private final Labels tenants = new Labels(256);

  public MeteredPolicy(PolicyEngine policy, MeterRegistry registry) {
    this.policy = policy;
    this.registry = registry;
  }

  @Override
  public CompletionStage<RecipientVerdict> onRecipient(Transaction transaction, Recipient recipient) {
    return policy.onRecipient(transaction, recipient).whenComplete((v, e) -> {
      if (v instanceof RecipientVerdict.Refuse r) {
        refused("rcpt", r.rule(), transaction);
      }
    });
  }

  @Override
  public MessageInspection inspect(Transaction transaction) {
    MessageInspection inner = policy.inspect(transaction);
    return new MessageInspection() {
      @Override
      public void feed(ByteBuffer chunk) {
        inner.feed(chunk);
      }

      @Override
      public CompletionStage<MessageVerdict> finish(List<Recipient> accepted) {
        return inner.finish(accepted).whenComplete((v, e) -> {
          if (v instanceof MessageVerdict.Refuse r) {
            refused("data", r.rule(), transaction);
          } else if (v instanceof MessageVerdict.Accept a) {
            a.dropped().forEach(d -> refused("dropped", d.rule(), transaction));
          }
        });
      }

      @Override
      public void abort() {
        inner.abort();
      }
    };
  }

  private void refused(String stage, String rule, Transaction t) {
    registry.counter(MetricNames.POLICY_REFUSALS, "stage", stage, "rule", rules.of(rule),
        "tenant", t.session().tenant() == null ? "none" : tenants.of(t.session().tenant().id().value())).increment();
  }
}

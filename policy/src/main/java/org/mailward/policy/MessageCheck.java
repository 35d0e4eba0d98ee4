package org.mailward.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mailward.api.ByteArrayPool;
import org.mailward.api.HeaderEdit;
import org.mailward.api.MessageVerdict;
import org.mailward.api.PolicyEngine.MessageInspection;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.RuleHit;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;
import org.mailward.api.Transaction;
import org.mailward.policy.PolicyConfig.EspHeader;
import org.mailward.policy.PolicyConfig.SubjectAction;
import org.mailward.policy.PolicyConfig.TenantPolicy;
import org.mailward.policy.consent.ConsentCache;
import org.mailward.policy.consent.ConsentRules;
import org.mailward.policy.consent.ConsentStore;
import org.mailward.policy.phi.PhiDetector;
import org.mailward.policy.phi.PhiReport;
import org.mailward.policy.purpose.PurposeResolver;
import org.mailward.policy.unsubscribe.ListUnsubscribe;
import org.mailward.policy.unsubscribe.UnsubscribeTokens;

/**
 * End-of-data policy for one message. {@link #feed} only copies into a bounded buffer (event
 * loop); {@link #finish} runs the MIME parse and PHI scan, the purpose header, post-DATA consent
 * drops and the unsubscribe headers on the policy executor. Evidence names detectors and rules
 * with counts, never text.
 *
 * <p>The buffer's pooled blocks are given back exactly once: by {@link #abort} if the check never
 * finishes, else by the scan, after its last read. Once {@link #finish} is called the event loop
 * no longer touches the buffer (a late feed or abort is ignored; a second finish fails), so the
 * blocks are never read by one thread while another returns or refills them.
 */
final class MessageCheck implements MessageInspection {
  static final String PURPOSE_HEADER = "X-Mailward-Purpose";

  private final Transaction transaction;
  private final TenantPolicy policy;
  private final PhiDetector detector;
  private final ConsentCache cache;
  private final ConsentStore store;
  private final UnsubscribeTokens tokens;
  private final Clock clock;
  private final Executor executor;
  private final BoundedBodyBuffer buffer;
  private final AtomicBoolean finishing = new AtomicBoolean();

  MessageCheck(Transaction transaction, TenantPolicy policy, PhiDetector detector, ConsentCache cache, ConsentStore store,
      UnsubscribeTokens tokens, Clock clock, Executor executor, int maxBytes, ByteArrayPool blocks) {
    this.transaction = transaction;
    this.policy = policy;
    this.detector = detector;
    this.cache = cache;
    this.store = store;
    this.tokens = tokens;
    this.clock = clock;
    this.executor = executor;
    this.buffer = new BoundedBodyBuffer(maxBytes, blocks);
  }

  @Override
  public void feed(ByteBuffer chunk) {
    if (!finishing.get()) {
      buffer.add(chunk);
    }
  }

  @Override
  public CompletionStage<MessageVerdict> finish(List<Recipient> accepted) {
    if (!finishing.compareAndSet(false, true)) {
      return CompletableFuture.failedFuture(new IllegalStateException("message check already finished"));
    }
    List<Recipient> recipients = List.copyOf(accepted);
    return CompletableFuture.supplyAsync(() -> decide(recipients), executor);
  }

  @Override
  public void abort() {
    if (!finishing.get()) {
      buffer.release();
    }
  }

  MessageVerdict decide(List<Recipient> accepted) {
    PhiReport report;
    try (InputStream in = buffer.stream()) {
      report = detector.scan(in, buffer.truncated());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      buffer.release();
    }
    List<RuleHit> evidence = new ArrayList<>();
    List<HeaderEdit> edits = new ArrayList<>();
    Purpose purpose = purpose(report, evidence);
    evidence.add(new RuleHit(PolicyRules.purpose(purpose), 1));
    if (report.purposeHeader().isPresent()) {
      edits.add(new HeaderEdit.Remove(PURPOSE_HEADER));
    }
    report.counts().forEach((detectorName, count) -> evidence.add(new RuleHit("phi." + detectorName, count)));
    // Why each PHI verdict was reached: the rules of the findings that made the score, with where they lie
    // (the audit records the counts; the dry-run reports the locations).
    java.util.Map<String, List<RuleHit.Location>> because = new java.util.TreeMap<>();
    report.evidence().forEach(e -> because.computeIfAbsent("phi.because." + e.finding().rule(), k -> new ArrayList<>())
        .add(new RuleHit.Location(e.where(), e.finding().start(), e.finding().end())));
    because.forEach((rule, at) -> evidence.add(new RuleHit(rule, at.size(), at)));

    SecurityLevel level = transaction.session().tenant().defaultLevel();
    if (policy.phi().enabled()) {
      if (report.subjectPhi()) {
        if (policy.phi().subjectAction() == SubjectAction.REFUSE) {
          evidence.add(new RuleHit(PolicyRules.PHI_SUBJECT, 1));
          return new MessageVerdict.Refuse(PolicyRules.messageRefused(PolicyRules.PHI_SUBJECT), PolicyRules.PHI_SUBJECT, evidence);
        }
        edits.add(new HeaderEdit.Replace("Subject", policy.phi().neutralSubject()));
        evidence.add(new RuleHit(PolicyRules.PHI_SUBJECT_REWRITTEN, 1));
      }
      level = level.strictest(bodyLevel(report, evidence));
    }

    List<MessageVerdict.Dropped> dropped = new ArrayList<>();
    if (policy.purposeHeaderAllowed()) {
      drop(accepted, purpose, dropped, evidence);
    }
    unsubscribe(accepted, dropped, purpose, report, edits, evidence);
    boolean sign = policy.dkim().isPresent() && (policy.dkim().get().signAll() || !edits.isEmpty());
    return new MessageVerdict.Accept(purpose, dropped, level, edits, sign, evidence);
  }

  private Purpose purpose(PhiReport report, List<RuleHit> evidence) {
    if (transaction.reversePath().isEmpty()) {
      evidence.add(new RuleHit("purpose.source.null-sender", 1)); // X-Mailward-Purpose cannot make a bounce marketing
      return Purpose.TRANSACTIONAL;
    }
    if (policy.purposeHeaderAllowed() && report.purposeHeader().isPresent()) {
      Optional<Purpose> named = PurposeResolver.fromHeader(report.purposeHeader().get());
      if (named.isPresent()) {
        evidence.add(new RuleHit("purpose.source.header", 1));
        return named.get();
      }
      evidence.add(new RuleHit(PolicyRules.PURPOSE_HEADER_INVALID, 1));
      return Purpose.MARKETING;
    }
    evidence.add(new RuleHit("purpose.source.mail-rules", 1));
    return PurposeResolver.atMail(policy, transaction);
  }

  private SecurityLevel bodyLevel(PhiReport report, List<RuleHit> evidence) {
    SecurityLevel level = SecurityLevel.ENCRYPT;
    SecurityLevel phiLevel = policy.phi().bodyLevel();
    if (report.bodyPhi()) {
      evidence.add(new RuleHit(PolicyRules.PHI_BODY, 1));
      level = level.strictest(phiLevel);
    }
    if (report.truncated()) {
      // The tail beyond the scan budget (in large mail, an attachment's remainder) is content that
      // could not be read: it raises the level as an unreadable attachment does, when the tenant
      // says so (opaqueAttachmentLevel), instead of always. Raising it always made every message
      // over the budget undeliverable to a receiver without a verifiable certificate (issue 14).
      evidence.add(new RuleHit(PolicyRules.PHI_SCAN_TRUNCATED, 1));
      if (policy.phi().opaqueAttachmentLevel().isPresent()) {
        level = level.strictest(policy.phi().opaqueAttachmentLevel().get());
      }
    }
    if (report.unparseable()) {
      evidence.add(new RuleHit(PolicyRules.PHI_SCAN_UNPARSEABLE, 1));
      level = level.strictest(phiLevel);
    }
    if (report.opaqueAttachments() > 0 && policy.phi().opaqueAttachmentLevel().isPresent()) {
      evidence.add(new RuleHit(PolicyRules.PHI_OPAQUE_ATTACHMENT, report.opaqueAttachments()));
      level = level.strictest(policy.phi().opaqueAttachmentLevel().get());
    }
    return level;
  }

  /** Post-DATA enforcement: the RCPT rules, with drops instead of refusals. Runs on the executor. */
  private void drop(List<Recipient> accepted, Purpose purpose, List<MessageVerdict.Dropped> dropped, List<RuleHit> evidence) {
    TenantId tenant = transaction.session().tenant().id();
    java.util.Map<String, Integer> rules = new java.util.TreeMap<>();
    for (int i = 0; i < accepted.size(); i++) {
      RecipientVerdict v = ConsentRules.decide(cache.lookupBlocking(tenant, accepted.get(i).address()), purpose, clock.instant());
      if (v instanceof RecipientVerdict.Refuse refuse) {
        dropped.add(new MessageVerdict.Dropped(i, refuse.rule()));
        rules.merge(refuse.rule(), 1, Integer::sum);
      }
    }
    rules.forEach((rule, n) -> evidence.add(new RuleHit("dropped." + rule, n)));
  }

  private void unsubscribe(List<Recipient> accepted, List<MessageVerdict.Dropped> dropped, Purpose purpose, PhiReport report,
      List<HeaderEdit> edits, List<RuleHit> evidence) {
    if ((purpose != Purpose.MARKETING && purpose != Purpose.FUNDRAISING) || policy.unsubscribe().baseUrl().isEmpty()) {
      return;
    }
    if (report.listUnsubscribe() && policy.unsubscribe().espHeader() == EspHeader.KEEP) {
      evidence.add(new RuleHit(PolicyRules.UNSUBSCRIBE_ESP_KEPT, 1));
      return;
    }
    List<Recipient> remaining = new ArrayList<>();
    java.util.Set<Integer> droppedIndexes = new java.util.HashSet<>();
    dropped.forEach(d -> droppedIndexes.add(d.index()));
    for (int i = 0; i < accepted.size(); i++) {
      if (!droppedIndexes.contains(i)) {
        remaining.add(accepted.get(i));
      }
    }
    if (remaining.size() != 1) {
      // One header per message: a token for one recipient must not unsubscribe another.
      evidence.add(new RuleHit(PolicyRules.UNSUBSCRIBE_MULTI_RECIPIENT, remaining.size()));
      return;
    }
    TenantId tenant = transaction.session().tenant().id();
    String token = tokens.mint(tenant, store.recipientHash(tenant, remaining.get(0).address()), purpose);
    edits.addAll(ListUnsubscribe.headers(policy.unsubscribe(), token));
    evidence.add(new RuleHit(PolicyRules.UNSUBSCRIBE_ADDED, 1));
  }
}

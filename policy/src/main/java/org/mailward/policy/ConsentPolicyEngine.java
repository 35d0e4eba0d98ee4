package org.mailward.policy;

import java.time.Clock;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.mailward.api.ByteArrayPool;
import org.mailward.api.EmailAddress;
import org.mailward.api.KeyValueStore;
import org.mailward.api.PolicyEngine;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.Redactor;
import org.mailward.api.TenantId;
import org.mailward.api.Transaction;
import org.mailward.policy.PolicyConfig.TenantPolicy;
import org.mailward.policy.consent.ConsentCache;
import org.mailward.policy.consent.ConsentImporter;
import org.mailward.policy.consent.ConsentRegistry;
import org.mailward.policy.consent.ConsentRules;
import org.mailward.policy.consent.ConsentStore;
import org.mailward.policy.consent.RecipientState;
import org.mailward.policy.consent.Suppressions;
import org.mailward.policy.phi.HealthDictionary;
import org.mailward.policy.phi.PhiDetector;
import org.mailward.policy.phi.ScanBuffers;
import org.mailward.policy.purpose.PurposeResolver;
import org.mailward.policy.unsubscribe.UnsubscribeTokens;
import org.mailward.policy.unsubscribe.Unsubscribes;

/**
 * The {@link PolicyEngine}: consent, suppression and purpose at RCPT time; PHI, purpose header,
 * post-DATA drops and unsubscribe headers at end of data ({@link MessageCheck}).
 *
 * <p>RCPT path: the purpose comes from the tenant's MAIL-time rules; the recipient's state comes
 * from the {@link ConsentCache} (a hit answers at once on the caller's thread; a miss loads on the
 * policy executor). A store failure or a lookup slower than the configured timeout is answered
 * {@code 451 4.3.0}: fail closed. When the tenant lets the ESP name the purpose in a header, RCPT
 * accepts ({@value PolicyRules#PURPOSE_DEFERRED}) unless the recipient is suppressed for every
 * purpose, and the same rules run after DATA, dropping recipients instead of refusing them.
 *
 * <p>Also the home of the services that share its cache: {@link #registry()}, {@link
 * #suppressions()}, {@link #importer()}, {@link #unsubscribes()}.
 */
public final class ConsentPolicyEngine implements PolicyEngine {
  private final PolicyConfig config;
  private final Clock clock;
  private final Executor executor;
  private final ConsentStore store;
  private final ConsentCache cache;
  private final ConsentRegistry registry;
  private final Suppressions suppressions;
  private final ConsentImporter importer;
  private final UnsubscribeTokens tokens;
  private final Unsubscribes unsubscribes;
  private final Map<TenantId, PhiDetector> detectors = new HashMap<>();
  private final PhiDetector defaultDetector;
  /** Body blocks reused across messages: up to 64 idle 64 KB blocks (4 MB). */
  private final ByteArrayPool bodyBlocks = new ByteArrayPool(BoundedBodyBuffer.BLOCK_BYTES, 64);

  public ConsentPolicyEngine(PolicyConfig config, KeyValueStore kv, Redactor redactor, Clock clock, Executor executor) {
    this.config = config;
    this.clock = clock;
    this.executor = executor;
    this.store = new ConsentStore(kv, redactor, clock);
    PolicyConfig.Global g = config.global();
    this.cache = new ConsentCache(store, g.consentCacheSize(), g.consentCacheTtl(), executor);
    this.registry = new ConsentRegistry(store);
    this.suppressions = new Suppressions(store);
    this.importer = new ConsentImporter(store);
    this.tokens = new UnsubscribeTokens(g.tokenSecret(), g.retiredTokenSecrets(), clock, g.tokenLifetime());
    this.unsubscribes = new Unsubscribes(tokens, suppressions, registry, config);
    HealthDictionary dictionary = HealthDictionary.bundled();
    ScanBuffers scanBuffers = new ScanBuffers(); // one set of scan arrays per policy thread, shared by every tenant
    this.defaultDetector = new PhiDetector(dictionary, TenantPolicy.defaults().phi(), scanBuffers, g.extraction());
    config.tenants().forEach((id, tp) -> detectors.put(id, new PhiDetector(dictionary, tp.phi(), scanBuffers, g.extraction())));
  }

  @Override
  public CompletionStage<RecipientVerdict> onRecipient(Transaction transaction, Recipient recipient) {
    TenantId tenant = transaction.session().tenant().id();
    TenantPolicy policy = config.tenant(tenant);
    Purpose purpose = PurposeResolver.atMail(policy, transaction);
    boolean deferred = policy.purposeHeaderAllowed() && transaction.reversePath().isPresent(); // <> is transactional, fixed
    CompletableFuture<RecipientState> lookup;
    try {
      lookup = cache.lookup(tenant, recipient.address());
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(unavailable());
    }
    if (lookup.isDone() && !lookup.isCompletedExceptionally()) {
      return CompletableFuture.completedFuture(decide(lookup.join(), purpose, deferred));
    }
    return lookup.orTimeout(config.global().lookupTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle((state, error) -> error != null ? unavailable() : decide(state, purpose, deferred));
  }

  /**
   * With the purpose still open (header mode) only a suppression of every purpose (a hard bounce)
   * can refuse at RCPT; the rest waits for the header.
   */
  private RecipientVerdict decide(RecipientState state, Purpose purpose, boolean deferred) {
    if (!deferred) {
      return ConsentRules.decide(state, purpose, clock.instant());
    }
    if (state.suppression().entries().keySet().containsAll(EnumSet.allOf(Purpose.class))) {
      return ConsentRules.decide(state, purpose, clock.instant());
    }
    return new RecipientVerdict.Accept(PolicyRules.PURPOSE_DEFERRED);
  }

  private static RecipientVerdict unavailable() {
    return new RecipientVerdict.Refuse(PolicyRules.unavailable(), PolicyRules.POLICY_UNAVAILABLE);
  }

  @Override
  public MessageInspection inspect(Transaction transaction) {
    TenantId tenant = transaction.session().tenant().id();
    return new MessageCheck(transaction, config.tenant(tenant), detectors.getOrDefault(tenant, defaultDetector), cache, store,
        tokens, clock, executor, config.global().inspectionMaxBytes(), bodyBlocks);
  }

  /** The recipient's keyed, tenant-scoped hash: the key its consent and suppression records are stored under. */
  public byte[] recipientHash(TenantId tenant, EmailAddress address) {
    return store.recipientHash(tenant, address);
  }

  /**
   * Re-seals consent evidence an earlier release stored in clear ({@link ConsentStore#sealEvidence});
   * returns how many records changed. Call at start, before the engine serves.
   */
  public long sealEvidenceAtRest() {
    return store.sealEvidence();
  }

  public ConsentRegistry registry() {
    return registry;
  }

  public Suppressions suppressions() {
    return suppressions;
  }

  public ConsentImporter importer() {
    return importer;
  }

  public Unsubscribes unsubscribes() {
    return unsubscribes;
  }

  public UnsubscribeTokens tokens() {
    return tokens;
  }
}

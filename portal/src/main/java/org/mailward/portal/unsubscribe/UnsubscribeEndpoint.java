package org.mailward.portal.unsubscribe;

import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.mailward.api.AuditEvent;
import org.mailward.api.AuditJournal;
import org.mailward.api.TenantId;
import org.mailward.portal.Pages;
import org.mailward.portal.Problem;
import org.mailward.portal.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two handlers of {@code /u/{token}}. GET shows a confirmation page and changes nothing
 * (mail scanners fetch links). POST with the RFC 8058 body {@code List-Unsubscribe=One-Click}
 * (what mailbox providers send, and what the confirmation form posts) unsubscribes at once,
 * idempotently, then hands the ESP forward to {@link EspForwarder} without waiting for it.
 * Invalid and expired tokens get the same 400 problem, which says nothing about why. The token
 * is never logged or audited: audit records name the tenant, the purpose and the rule.
 */
final class UnsubscribeEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(UnsubscribeEndpoint.class);
  /** base64url, as the policy module mints them; anything else is refused before any lookup. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,512}");

  static final Problem INVALID_LINK = Problem.of(400, "invalid-link", "This unsubscribe link is not valid",
      "The link may be incomplete or too old. Please use the unsubscribe link in a recent message, or contact the sender.");
  static final Problem NOT_ONE_CLICK = Problem.of(400, "not-one-click", "Unsubscribe request not understood",
      "Please use the Unsubscribe button on the page this link opens.");

  private final Unsubscriber unsubscriber;
  private final EspForwarder forwarder;
  private final AuditJournal audit;
  private final Clock clock;

  UnsubscribeEndpoint(Unsubscriber unsubscriber, EspForwarder forwarder, AuditJournal audit, Clock clock) {
    this.unsubscriber = unsubscriber;
    this.forwarder = forwarder;
    this.audit = audit;
    this.clock = clock;
  }

  void get(Context ctx) {
    if (!TOKEN.matcher(ctx.pathParam("token")).matches()) {
      Responses.problem(ctx, INVALID_LINK);
      return;
    }
    Responses.page(ctx, 200, Pages.confirm());
  }

  void post(Context ctx) {
    String token = ctx.pathParam("token");
    if (!TOKEN.matcher(token).matches()) {
      reject(ctx, Unsubscriber.Why.INVALID, "malformed");
      return;
    }
    if (!"One-Click".equals(ctx.formParam("List-Unsubscribe"))) {
      Responses.problem(ctx, NOT_ONE_CLICK);
      return;
    }
    Unsubscriber.Outcome outcome;
    try {
      outcome = unsubscriber.unsubscribe(token);
    } catch (RuntimeException e) {
      outcome = new Unsubscriber.Outcome.Unavailable(e.getClass().getSimpleName());
    }
    if (outcome instanceof Unsubscriber.Outcome.Unsubscribed u) {
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("purpose", u.purpose().label());
      facts.put("rule", "suppression.unsubscribe");
      facts.put("repeat", Boolean.toString(u.repeat()));
      facts.put("forward", u.forwardTo().isPresent() && !u.repeat() ? "esp" : "none");
      record("unsubscribe.revoked", Optional.of(u.tenant()), facts);
      if (!u.repeat()) {
        u.forwardTo().ifPresent(url -> forwarder.forward(u.tenant(), url));
      }
      LOG.info("unsubscribe for tenant {} purpose {}: {}", u.tenant(), u.purpose().label(), u.repeat() ? "repeat" : "revoked");
      Responses.page(ctx, 200, Pages.unsubscribed());
    } else if (outcome instanceof Unsubscriber.Outcome.Rejected r) {
      reject(ctx, r.why(), r.detail());
    } else {
      LOG.warn("unsubscribe failed, store unavailable: {}", ((Unsubscriber.Outcome.Unavailable) outcome).detail());
      Responses.problem(ctx, Problem.UNAVAILABLE);
    }
  }

  private void reject(Context ctx, Unsubscriber.Why why, String detail) {
    String bounded = detail.length() > 64 ? detail.substring(0, 64) : detail;
    record("unsubscribe.rejected", Optional.empty(), Map.of("rule", why.rule(), "detail", bounded));
    LOG.info("unsubscribe rejected: {}", why.rule());
    Responses.problem(ctx, INVALID_LINK);
  }

  private void record(String type, Optional<TenantId> tenant, Map<String, String> facts) {
    try {
      audit.append(new AuditEvent(clock.instant(), type, Optional.empty(), tenant, facts));
    } catch (RuntimeException e) {
      LOG.warn("audit append failed for {}: {}", type, e.toString());
    }
  }
}

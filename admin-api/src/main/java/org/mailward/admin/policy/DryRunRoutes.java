package org.mailward.admin.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mailward.admin.auth.Principal;
import org.mailward.admin.auth.Role;
import org.mailward.admin.http.ApiProblem;
import org.mailward.admin.http.Body;
import org.mailward.admin.http.Json;
import org.mailward.admin.http.Route;
import org.mailward.admin.tenants.TenantRegistry;
import org.mailward.api.EmailAddress;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.MessageVerdict;
import org.mailward.api.PolicyEngine;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.RuleHit;
import org.mailward.api.SessionInfo;
import org.mailward.api.Tenant;
import org.mailward.api.TenantId;
import org.mailward.api.Transaction;

/**
 * {@code POST /api/v1/policy/check}: the policy dry-run, like {@code spamassassin -t}. The body is
 * an RFC 5322 message as the ESP would send it; {@code tenant}, {@code from} and {@code rcpt}
 * (repeatable) are query parameters. It runs the same {@link PolicyEngine} the inbound server
 * calls — RCPT verdict per recipient, then the end-of-data verdict for the accepted ones — and
 * returns them with the rules fired, the PHI detectors' counts ({@code phiCounts}) and the PHI
 * findings that made each verdict with where they lie ({@code phiFindings}: category, rule, part and
 * character offsets into that part's decoded text, as {@link RuleHit.Location} carries them),
 * without spooling or delivering anything. Never the matched text: the operator holds the message
 * and reads it at the offsets. The message streams through in 64 KB chunks.
 */
public final class DryRunRoutes {
  static final Set<Role> ROLES = Set.of(Role.ADMIN, Role.COMPLIANCE, Role.OPERATOR);
  static final int MAX_RCPTS = 100;
  private final Optional<PolicyEngine> policy;
  private final TenantRegistry tenants;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public DryRunRoutes(Optional<PolicyEngine> policy, TenantRegistry tenants, Clock clock) {
    this.policy = policy;
    this.tenants = tenants;
    this.clock = clock;
  }

  public List<Route> routes() {
    return List.of(Route.post("/api/v1/policy/check", ROLES, this::check));
  }

  private void check(Context ctx, Principal p) throws Exception {
    PolicyEngine policy = this.policy.orElseThrow(() -> ApiProblem.unavailable("this node has no policy engine"));
    String tenantParam = ctx.queryParam("tenant");
    if (tenantParam == null) {
      throw ApiProblem.badField("tenant", "is required");
    }
    TenantId id;
    try {
      id = new TenantId(tenantParam);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.notFound("tenant");
    }
    p.requireTenant(id);
    Tenant tenant = tenants.byId(id).orElseThrow(() -> ApiProblem.notFound("tenant"));
    List<EmailAddress> rcpts = new ArrayList<>();
    for (String r : ctx.queryParams("rcpt")) {
      rcpts.add(address("rcpt", r));
    }
    if (rcpts.isEmpty() || rcpts.size() > MAX_RCPTS) {
      throw ApiProblem.badField("rcpt", "give 1 to " + MAX_RCPTS + " recipients");
    }
    Optional<EmailAddress> from = Optional.ofNullable(ctx.queryParam("from")).map(f -> address("from", f));
    if (from.isEmpty()) {
      String domain = tenant.senderDomains().stream().sorted().findFirst().orElse("invalid");
      from = Optional.of(new EmailAddress("dry-run", domain));
    }
    MessageId mid = MessageId.generate(clock.millis(), random);
    SessionInfo session = new SessionInfo("dry-run-" + mid, "127.0.0.1", "mailward-admin", tenant, Optional.of("TLSv1.3"),
        Optional.empty());
    Transaction tx = new Transaction(session, mid, from, MailParameters.defaults());

    ObjectNode out = Json.object().put("tenant", id.value());
    ArrayNode rs = out.putArray("recipients");
    List<Recipient> accepted = new ArrayList<>();
    for (EmailAddress a : rcpts) {
      RecipientVerdict v = await(policy.onRecipient(tx, Recipient.of(a)));
      ObjectNode r = rs.addObject().put("address", a.asString());
      if (v instanceof RecipientVerdict.Accept acc) {
        r.put("verdict", "accept").put("rule", acc.rule());
        accepted.add(Recipient.of(a));
      } else if (v instanceof RecipientVerdict.Refuse ref) {
        r.put("verdict", "refuse").put("rule", ref.rule()).put("reply", ref.reply().toWire().trim());
      }
    }
    if (accepted.isEmpty()) {
      out.putNull("message");
      Json.send(ctx, 200, out);
      return;
    }
    PolicyEngine.MessageInspection inspection = policy.inspect(tx);
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] buf = new byte[64 * 1024];
      int n;
      long total = 0;
      while ((n = in.read(buf)) > 0) {
        inspection.feed(ByteBuffer.wrap(buf, 0, n));
        total += n;
      }
      if (total == 0) {
        inspection.abort();
        throw ApiProblem.badField("body", "the message (RFC 5322) is empty");
      }
    } catch (RuntimeException | java.io.IOException e) {
      inspection.abort();
      throw e;
    }
    MessageVerdict verdict = await(inspection.finish(accepted));
    ObjectNode m = out.putObject("message");
    if (verdict instanceof MessageVerdict.Accept a) {
      m.put("verdict", "accept").put("purpose", a.purpose().label())
          .put("requiredLevel", a.requiredLevel().strictest(tenant.defaultLevel()).label()).put("dkimSign", a.dkimSign())
          .put("headerEdits", a.headerEdits().size());
      ArrayNode dropped = m.putArray("dropped");
      a.dropped().forEach(d -> dropped.addObject().put("address", accepted.get(d.index()).address().asString())
          .put("rule", d.rule()));
      evidence(m, a.evidence());
    } else if (verdict instanceof MessageVerdict.Refuse r) {
      m.put("verdict", "refuse").put("rule", r.rule()).put("reply", r.reply().toWire().trim());
      evidence(m, r.evidence());
    }
    Json.send(ctx, 200, out);
  }

  private static void evidence(ObjectNode m, List<RuleHit> hits) {
    ArrayNode rules = m.putArray("rules");
    ArrayNode counts = m.putArray("phiCounts");
    ArrayNode findings = m.putArray("phiFindings");
    for (RuleHit h : hits) {
      rules.addObject().put("rule", h.rule()).put("count", h.count());
      if (h.rule().startsWith(BECAUSE)) {
        String rule = h.rule().substring(BECAUSE.length());
        for (RuleHit.Location at : h.locations()) {
          findings.addObject().put("category", category(rule)).put("rule", rule).put("part", at.where())
              .put("start", at.start()).put("end", at.end());
        }
      } else if (h.rule().startsWith("phi.")) {
        counts.addObject().put("detector", h.rule().substring(4)).put("count", h.count());
      }
    }
  }

  /** Rules that say why a PHI verdict was reached ({@code phi.because.name.lists}); their hits carry the locations. */
  static final String BECAUSE = "phi.because.";

  /** The kind of evidence a detector rule names: {@code name}, {@code id}, {@code date}, {@code contact} or {@code health}. */
  static String category(String rule) {
    int dot = rule.indexOf('.');
    return dot < 0 ? rule : rule.substring(0, dot);
  }

  private static EmailAddress address(String field, String s) {
    try {
      return Body.parseAddress(s);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badField(field, "must be an email address (local@domain)");
    }
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw ApiProblem.unavailable("policy did not answer within 30 s");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }
}

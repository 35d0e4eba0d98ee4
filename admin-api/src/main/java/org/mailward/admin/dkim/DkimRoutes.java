package org.mailward.admin.dkim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mailward.admin.auth.Principal;
import org.mailward.admin.auth.Role;
import org.mailward.admin.controlplane.Changes;
import org.mailward.admin.controlplane.DkimKeyRegistry;
import org.mailward.admin.http.ApiProblem;
import org.mailward.admin.http.Body;
import org.mailward.admin.http.Json;
import org.mailward.admin.http.Route;
import org.mailward.admin.queue.QueueRoutes;
import org.mailward.admin.tenants.TenantRegistry;
import org.mailward.admin.tenants.TenantRoutes;
import org.mailward.api.ChangeRecord.DkimKeyAdded;
import org.mailward.api.DkimKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/tenants/{tenant}/dkim-keys}: make (and so rotate) a tenant's DKIM signing key for
 * one of its sender domains, list its keys with the DNS TXT record to publish, and the
 * sending-domain readiness report (SPF, the published key, DMARC) that policy computes. A new key
 * is made and stored by the {@link DkimKeys} port on this node, then recorded as a {@link
 * DkimKeyAdded} control-plane record (public key, selector, domain — never the private key), whose
 * application makes it the tenant's signing key on the running relay. Every rotation is an {@code
 * admin.change} audit record naming the domain and selector.
 */
public final class DkimRoutes {
  static final Set<Role> READ = Set.of(Role.ADMIN, Role.OPERATOR);
  static final Set<Role> WRITE = Set.of(Role.ADMIN, Role.OPERATOR);
  private static final Logger LOG = LoggerFactory.getLogger(DkimRoutes.class);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  private final TenantRoutes tenants;
  private final DkimKeyRegistry keys;
  private final Optional<DkimKeys> dkim;
  private final Changes changes;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public DkimRoutes(TenantRoutes tenants, DkimKeyRegistry keys, Optional<DkimKeys> dkim, Changes changes, Clock clock) {
    this.tenants = tenants;
    this.keys = keys;
    this.dkim = dkim;
    this.changes = changes;
    this.clock = clock;
  }

  public List<Route> routes() {
    return List.of(
        Route.get("/api/v1/tenants/{tenant}/dkim-keys", READ, this::list),
        Route.post("/api/v1/tenants/{tenant}/dkim-keys", WRITE, this::rotate),
        Route.get("/api/v1/tenants/{tenant}/dkim-keys/readiness", READ, this::readiness));
  }

  private DkimKeys port() {
    return dkim.orElseThrow(() -> ApiProblem.unavailable("this node does not sign mail (delivery is off)"));
  }

  private void list(Context ctx, Principal p) {
    TenantRegistry.TenantState t = tenants.existing(ctx, p);
    List<DkimKeyAdded> all = keys.keys(t.id());
    ArrayNode a = Json.array();
    for (int i = 0; i < all.size(); i++) {
      a.add(json(all.get(i), i == all.size() - 1));
    }
    Json.send(ctx, 200, Json.object().put("tenant", t.id().value()).set("keys", a));
  }

  private void rotate(Context ctx, Principal p) throws InterruptedException {
    TenantRegistry.TenantState t = tenants.existing(ctx, p);
    Body b = Json.body(ctx).only("domain", "algorithm", "selector");
    String domain = domainOf(b.text("domain"));
    if (!t.senderDomains().contains(domain)) {
      throw ApiProblem.badField("domain", "must be one of the tenant's sender domains");
    }
    DkimKeys.Algorithm algorithm = b.optParsed("algorithm", DkimRoutes::algorithm, "ed25519 or rsa-2048")
        .orElse(DkimKeys.Algorithm.ED25519);
    String selector = b.optText("selector").map(String::trim).orElseGet(this::newSelector);
    if (!selector.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
      throw ApiProblem.badField("selector", "must be one DNS label (letters, digits, '-')");
    }
    if (keys.keys(t.id()).stream().anyMatch(k -> k.domain().equals(domain) && k.selector().equalsIgnoreCase(selector))) {
      throw ApiProblem.conflict("this selector is in use for the domain; choose another");
    }
    DkimKeys.Generated g;
    try {
      g = port().generate(t.id(), domain, selector, algorithm);
    } catch (IOException e) {
      LOG.error("DKIM key for tenant {} domain {} selector {} not made: {}", t.id(), domain, selector, e.toString());
      throw ApiProblem.internal();
    }
    DkimKeyAdded added = new DkimKeyAdded(t.id(), domain, selector, g.keyType(), g.publicKey(), g.createdAt());
    long version = changes.write(p, added, Map.of("domain", domain, "selector", selector, "keyType", g.keyType()));
    Json.send(ctx, 201, json(added, true).put("version", version));
  }

  private void readiness(Context ctx, Principal p) {
    TenantRegistry.TenantState t = tenants.existing(ctx, p);
    List<String> ips = ctx.queryParams("ip");
    for (String ip : ips) {
      if (!ip.matches("[0-9.]{7,15}|[0-9A-Fa-f:.]{2,45}")) {
        throw ApiProblem.badField("ip", "must be an IPv4 or IPv6 address");
      }
    }
    List<DkimKeyAdded> all = keys.keys(t.id());
    ArrayNode a = Json.array();
    all.stream().map(DkimKeyAdded::domain).distinct().forEach(domain -> {
      DkimKeyAdded active = all.stream().filter(k -> k.domain().equals(domain)).reduce((x, y) -> y).orElseThrow();
      DkimKeys.Readiness r = port().readiness(domain, active.selector(), active.publicKey(), ips);
      a.addObject().put("domain", domain).put("selector", active.selector()).put("ready", r.ready()).put("spf", r.spf())
          .put("dkim", r.dkim()).put("dmarc", r.dmarc()).put("report", r.text());
    });
    Json.send(ctx, 200, Json.object().put("tenant", t.id().value()).set("domains", a));
  }

  private String newSelector() {
    byte[] b = new byte[2];
    random.nextBytes(b);
    return "mw" + DAY.format(clock.instant()) + HexFormat.of().formatHex(b);
  }

  static String domainOf(String raw) {
    try {
      return QueueRoutes.domain(raw);
    } catch (ApiProblem e) {
      throw ApiProblem.badField("domain", "must be a domain name");
    }
  }

  static DkimKeys.Algorithm algorithm(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "ed25519" -> DkimKeys.Algorithm.ED25519;
      case "rsa", "rsa-2048" -> DkimKeys.Algorithm.RSA_2048;
      default -> throw new IllegalArgumentException(s);
    };
  }

  static ObjectNode json(DkimKeyAdded k, boolean active) {
    return Json.object().put("domain", k.domain()).put("selector", k.selector()).put("keyType", k.keyType())
        .put("publicKey", k.publicKey()).put("createdAt", k.createdAt().toString()).put("active", active)
        .put("dnsName", k.selector() + "._domainkey." + k.domain())
        .put("txt", "v=DKIM1; k=" + k.keyType() + "; p=" + k.publicKey())
        .put("dnsRecord", DkimKeys.dnsRecord(k.domain(), k.selector(), k.keyType(), k.publicKey()));
  }
}

package org.mailward.admin.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.mailward.admin.http.Json;
import org.mailward.api.ChangeRecord;
import org.mailward.api.ChangeRecord.ConsentGranted;
import org.mailward.api.ChangeRecord.ConsentImport;
import org.mailward.api.ChangeRecord.ConsentRevoked;
import org.mailward.api.ChangeRecord.CredentialIssued;
import org.mailward.api.ChangeRecord.CredentialRevoked;
import org.mailward.api.ChangeRecord.DestinationTlsPolicyCleared;
import org.mailward.api.ChangeRecord.DestinationTlsPolicySet;
import org.mailward.api.ChangeRecord.DkimKeyAdded;
import org.mailward.api.ChangeRecord.SuppressionAdded;
import org.mailward.api.ChangeRecord.SuppressionRemoved;
import org.mailward.api.ChangeRecord.TenantEnabled;
import org.mailward.api.ChangeRecord.TenantSaved;
import org.mailward.api.ControlPlaneLog.Entry;
import org.mailward.api.DestinationTlsPolicy;
import org.mailward.api.EmailAddress;
import org.mailward.api.Purpose;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;
import org.mailward.api.TenantLimits;
import org.mailward.api.TlsFallback;

/**
 * Log entries as self-describing JSON ({@code {"v":1,"version":…,"at":…,"actor":…,"type":…,
 * "change":{…}}}): a format another node, another release, or a distributed log's consumer can
 * read without this code. Written field by field rather than by reflection, so a renamed Java
 * field can never silently change the stored format.
 */
public final class ChangeCodec {
  private ChangeCodec() {}

  public static byte[] encode(Entry e) {
    ObjectNode o = Json.object().put("v", 1).put("version", e.version()).put("at", e.at().toString())
        .put("actor", e.actor().id()).put("type", type(e.change()));
    o.set("change", change(e.change()));
    return Json.write(o).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  public static Entry decode(byte[] bytes) {
    try {
      JsonNode o = Json.MAPPER.readTree(bytes);
      return new Entry(o.get("version").asLong(), Instant.parse(o.get("at").asText()), new Entry.Actor(o.get("actor").asText()),
          change(o.get("type").asText(), o.get("change")));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable control-plane record", e);
    }
  }

  /** The record's type name, as stored and as audited: {@code tenant.saved}, {@code consent.granted}… */
  public static String type(ChangeRecord c) {
    if (c instanceof TenantSaved) {
      return "tenant.saved";
    } else if (c instanceof TenantEnabled) {
      return "tenant.enabled";
    } else if (c instanceof CredentialIssued) {
      return "credential.issued";
    } else if (c instanceof CredentialRevoked) {
      return "credential.revoked";
    } else if (c instanceof ConsentGranted) {
      return "consent.granted";
    } else if (c instanceof ConsentRevoked) {
      return "consent.revoked";
    } else if (c instanceof SuppressionAdded) {
      return "suppression.added";
    } else if (c instanceof SuppressionRemoved) {
      return "suppression.removed";
    } else if (c instanceof ConsentImport) {
      return "consent.imported";
    } else if (c instanceof DkimKeyAdded) {
      return "dkim.key.added";
    } else if (c instanceof DestinationTlsPolicySet) {
      return "domain.tls-policy.set";
    } else if (c instanceof DestinationTlsPolicyCleared) {
      return "domain.tls-policy.cleared";
    }
    throw new IllegalArgumentException("unknown change record " + c.getClass());
  }

  private static ObjectNode change(ChangeRecord c) {
    ObjectNode o = Json.object();
    c.owner().ifPresent(t -> o.put("tenant", t.value()));
    if (c instanceof TenantSaved t) {
      strings(o.putArray("senderDomains"), t.senderDomains());
      o.put("maxRecipients", t.limits().maxRecipientsPerMessage()).put("maxMessageBytes", t.limits().maxMessageBytes())
          .put("maxConnections", t.limits().maxConnections()).put("messagesPerSecond", t.limits().messagesPerSecond())
          .put("defaultPurpose", t.defaultPurpose().label()).put("securityLevel", t.defaultLevel().label())
          .put("fallback", t.fallback().name());
    } else if (c instanceof TenantEnabled t) {
      o.put("enabled", t.enabled());
    } else if (c instanceof CredentialIssued t) {
      o.put("credentialId", t.credentialId()).put("username", t.username()).put("passwordHash", t.passwordHash())
          .put("issuedAt", t.issuedAt().toString());
    } else if (c instanceof CredentialRevoked t) {
      o.put("credentialId", t.credentialId());
    } else if (c instanceof ConsentGranted t) {
      o.put("address", t.address().asString()).put("grantedAt", t.grantedAt().toString()).put("evidence", t.evidence());
      t.expiresAt().ifPresent(x -> o.put("expiresAt", x.toString()));
      purposes(o.putArray("purposes"), t.purposes());
    } else if (c instanceof ConsentRevoked t) {
      o.put("address", t.address().asString());
    } else if (c instanceof SuppressionAdded t) {
      o.put("address", t.address().asString()).put("reason", t.reason());
      purposes(o.putArray("purposes"), t.purposes());
    } else if (c instanceof SuppressionRemoved t) {
      o.put("address", t.address().asString());
      purposes(o.putArray("purposes"), t.purposes());
    } else if (c instanceof ConsentImport t) {
      o.put("importId", t.importId()).put("format", t.format()).put("content", Base64.getEncoder().encodeToString(t.content()));
    } else if (c instanceof DkimKeyAdded t) {
      o.put("domain", t.domain()).put("selector", t.selector()).put("keyType", t.keyType()).put("publicKey", t.publicKey())
          .put("createdAt", t.createdAt().toString());
    } else if (c instanceof DestinationTlsPolicySet t) {
      o.put("domain", t.policy().domain()).put("level", t.policy().level().label()).put("exception", t.policy().exception());
      t.policy().note().ifPresent(n -> o.put("note", n));
    } else if (c instanceof DestinationTlsPolicyCleared t) {
      o.put("domain", t.domain());
    }
    return o;
  }

  private static ChangeRecord change(String type, JsonNode o) {
    switch (type) {
      case "domain.tls-policy.set" -> {
        return new DestinationTlsPolicySet(new DestinationTlsPolicy(o.get("domain").asText(),
            SecurityLevel.fromLabel(o.get("level").asText()), o.get("exception").asBoolean(),
            o.hasNonNull("note") ? Optional.of(o.get("note").asText()) : Optional.empty()));
      }
      case "domain.tls-policy.cleared" -> {
        return new DestinationTlsPolicyCleared(o.get("domain").asText());
      }
      default -> {
        return tenantChange(type, o);
      }
    }
  }

  private static ChangeRecord tenantChange(String type, JsonNode o) {
    TenantId tenant = new TenantId(o.get("tenant").asText());
    return switch (type) {
      case "tenant.saved" -> new TenantSaved(tenant, strings(o.get("senderDomains")),
          new TenantLimits(o.get("maxRecipients").asInt(), o.get("maxMessageBytes").asLong(), o.get("maxConnections").asInt(),
              o.get("messagesPerSecond").asDouble()),
          Purpose.fromLabel(o.get("defaultPurpose").asText()), SecurityLevel.fromLabel(o.get("securityLevel").asText()),
          TlsFallback.valueOf(o.get("fallback").asText()));
      case "tenant.enabled" -> new TenantEnabled(tenant, o.get("enabled").asBoolean());
      case "credential.issued" -> new CredentialIssued(tenant, o.get("credentialId").asText(), o.get("username").asText(),
          o.get("passwordHash").asText(), Instant.parse(o.get("issuedAt").asText()));
      case "credential.revoked" -> new CredentialRevoked(tenant, o.get("credentialId").asText());
      case "consent.granted" -> new ConsentGranted(tenant, address(o), purposes(o.get("purposes")),
          Instant.parse(o.get("grantedAt").asText()),
          o.hasNonNull("expiresAt") ? Optional.of(Instant.parse(o.get("expiresAt").asText())) : Optional.empty(),
          o.get("evidence").asText());
      case "consent.revoked" -> new ConsentRevoked(tenant, address(o));
      case "suppression.added" -> new SuppressionAdded(tenant, address(o), purposes(o.get("purposes")), o.get("reason").asText());
      case "suppression.removed" -> new SuppressionRemoved(tenant, address(o), purposes(o.get("purposes")));
      case "consent.imported" -> new ConsentImport(tenant, o.get("importId").asText(), o.get("format").asText(),
          Base64.getDecoder().decode(o.get("content").asText()));
      case "dkim.key.added" -> new DkimKeyAdded(tenant, o.get("domain").asText(), o.get("selector").asText(),
          o.get("keyType").asText(), o.get("publicKey").asText(), Instant.parse(o.get("createdAt").asText()));
      default -> throw new IllegalStateException("unknown control-plane record type " + type);
    };
  }

  private static EmailAddress address(JsonNode o) {
    return EmailAddress.parse(o.get("address").asText(), true)
        .orElseThrow(() -> new IllegalStateException("control-plane record with an unparsable address"));
  }

  private static void strings(ArrayNode a, Set<String> values) {
    values.stream().sorted().forEach(a::add);
  }

  private static Set<String> strings(JsonNode a) {
    Set<String> out = new LinkedHashSet<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static void purposes(ArrayNode a, Set<Purpose> values) {
    values.stream().sorted().forEach(p -> a.add(p.label()));
  }

  private static Set<Purpose> purposes(JsonNode a) {
    Set<Purpose> out = EnumSet.noneOf(Purpose.class);
    a.forEach(n -> out.add(Purpose.fromLabel(n.asText())));
    return out;
  }
}

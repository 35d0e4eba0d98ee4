package org.mailward.api;

import java.io.IOException;
import java.time.Instant;

/**
 * DKIM signing keys for operators: makes a key pair for a tenant's signing domain and stores the
 * private key on this node (encrypted, owner-only file), and checks whether a sending domain is
 * ready (SPF, the published DKIM key, DMARC). Making a key does not make it sign: the caller
 * records a {@link ChangeRecord.DkimKeyAdded} in the control-plane log, and applying that record
 * switches the tenant's signer on each node.
 */
public interface DkimKeys {

  enum Algorithm {
    ED25519("ed25519"),
    RSA_2048("rsa");

    private final String keyType;

    Algorithm(String keyType) {
      this.keyType = keyType;
    }

    /** The DNS record's {@code k=} value. */
    public String keyType() {
      return keyType;
    }
  }

  /** @param publicKey base64 of the public key, for the DNS record's {@code p=} tag */
  record Generated(TenantId tenant, String domain, String selector, String keyType, String publicKey, Instant createdAt) {}

  /** Makes and stores a new key; fails when a key with this tenant, domain and selector exists already. */
  Generated generate(TenantId tenant, String domain, String selector, Algorithm algorithm) throws IOException;

  /**
   * The sending-domain readiness report (blocking DNS: call it off any event loop).
   *
   * @param spfIps the outbound addresses SPF must authorise
   */
  Readiness readiness(String domain, String selector, String publicKey, java.util.List<String> spfIps);

  /** @param text the report an operator reads; {@code ready} when SPF, DKIM and DMARC all pass */
  record Readiness(String domain, boolean ready, String spf, String dkim, String dmarc, String text) {}

  /**
   * The TXT record to publish for a key, in zone-file form; a value longer than one 255-byte
   * character-string (an RSA key) is split into several, which DNS joins (RFC 6376 3.6.2.2).
   */
  static String dnsRecord(String domain, String selector, String keyType, String publicKey) {
    String value = "v=DKIM1; k=" + keyType + "; p=" + publicKey;
    StringBuilder out = new StringBuilder(selector).append("._domainkey.").append(domain).append(". IN TXT");
    for (int i = 0; i < value.length(); i += 255) {
      out.append(" \"").append(value, i, Math.min(value.length(), i + 255)).append('"');
    }
    return out.toString();
  }
}

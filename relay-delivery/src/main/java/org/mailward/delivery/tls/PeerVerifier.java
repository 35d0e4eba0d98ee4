package org.mailward.delivery.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.X509TrustManager;
import org.xbill.DNS.TLSARecord;

/**
 * Judges a peer's certificate chain after the handshake (the handshake itself
 * accepts any certificate, so that ENCRYPT-level mail still flows; nothing but
 * EHLO/QUIT is sent before this verdict). PKIX: chain to a trusted CA and the
 * MX host name in the certificate (RFC 6125 DNS-ID, '*' only as the whole
 * left-most label). DANE (RFC 7672): DANE-EE(3) matches the leaf, names and
 * dates ignored; DANE-TA(2) matches a chain certificate that must sign the
 * chain down to a leaf carrying the host name. PKIX-TA/EE (0, 1) are unusable for SMTP.
 */
public final class PeerVerifier {
  private final X509TrustManager pkix;

  public PeerVerifier(X509TrustManager pkix) {
    this.pkix = pkix;
  }

  /** The outcome, with a short reason for the audit record. */
  public record Verdict(boolean ok, String detail) {}

  public Verdict pkix(List<X509Certificate> chain, String hostName) {
    if (chain.isEmpty()) {
      return new Verdict(false, "pkix-no-certificate");
    }
    try {
      pkix.checkServerTrusted(chain.toArray(X509Certificate[]::new), "UNKNOWN");
    } catch (CertificateException e) {
      String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      return new Verdict(false, m.contains("expired") || m.contains("validity") ? "pkix-expired" : "pkix-untrusted");
    }
    return nameMatches(chain.get(0), hostName) ? new Verdict(true, "pkix-ok") : new Verdict(false, "pkix-name-mismatch");
  }

  public Verdict dane(List<X509Certificate> chain, List<TLSARecord> tlsa, String hostName) {
    if (chain.isEmpty()) {
      return new Verdict(false, "dane-no-certificate");
    }
    boolean usable = false;
    for (TLSARecord r : tlsa) {
      if (r.getCertificateUsage() == TLSARecord.CertificateUsage.DOMAIN_ISSUED_CERTIFICATE) {
        usable = true;
        if (matches(r, chain.get(0))) {
          return new Verdict(true, "dane-ee-match");
        }
      } else if (r.getCertificateUsage() == TLSARecord.CertificateUsage.TRUST_ANCHOR_ASSERTION) {
        usable = true;
        for (int i = 0; i < chain.size(); i++) {
          if (matches(r, chain.get(i)) && signsDown(chain, i) && nameMatches(chain.get(0), hostName)) {
            return new Verdict(true, "dane-ta-match");
          }
        }
      }
    }
    return new Verdict(false, usable ? "dane-mismatch" : "dane-no-usable-tlsa");
  }

  /** Whether any record has a usage SMTP may use (2 or 3). */
  public static boolean anyUsable(List<TLSARecord> tlsa) {
    return tlsa.stream().anyMatch(r -> r.getCertificateUsage() == TLSARecord.CertificateUsage.DOMAIN_ISSUED_CERTIFICATE
        || r.getCertificateUsage() == TLSARecord.CertificateUsage.TRUST_ANCHOR_ASSERTION);
  }

  static boolean matches(TLSARecord r, X509Certificate cert) {
    byte[] data;
    try {
      data = r.getSelector() == TLSARecord.Selector.SUBJECT_PUBLIC_KEY_INFO ? cert.getPublicKey().getEncoded() : cert.getEncoded();
      byte[] expected = r.getCertificateAssociationData();
      return switch (r.getMatchingType()) {
        case TLSARecord.MatchingType.EXACT -> MessageDigest.isEqual(data, expected);
        case TLSARecord.MatchingType.SHA256 -> MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(data), expected);
        case TLSARecord.MatchingType.SHA512 -> MessageDigest.isEqual(MessageDigest.getInstance("SHA-512").digest(data), expected);
        default -> false;
      };
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Each certificate below index {@code ta} is signed by the next one up, ending at the TA. */
  private static boolean signsDown(List<X509Certificate> chain, int ta) {
    try {
      for (int i = ta; i > 0; i--) {
        PublicKey issuerKey = chain.get(i).getPublicKey();
        chain.get(i - 1).verify(issuerKey);
      }
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** RFC 6125 DNS-ID match; falls back to the CN only when the certificate has no DNS SAN. */
  public static boolean nameMatches(X509Certificate cert, String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    boolean anyDns = false;
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (((Integer) san.get(0)) == 2) {
            anyDns = true;
            if (dnsMatch(String.valueOf(san.get(1)), h)) {
              return true;
            }
          }
        }
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    if (anyDns) {
      return false;
    }
    String dn = cert.getSubjectX500Principal().getName();
    return Arrays.stream(dn.split(",")).map(String::trim).filter(p -> p.startsWith("CN="))
        .anyMatch(p -> dnsMatch(p.substring(3), host));
  }

  static boolean dnsMatch(String pattern, String host) {
    String p = pattern.toLowerCase(Locale.ROOT);
    if (p.startsWith("*.")) {
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot + 1).equals(p.substring(2));
    }
    return p.equals(host);
  }
}

// Inputs shared by the policy benchmarks: a ~60 KB healthcare marketing HTML
// message (quoted-printable, health words, dates, phone numbers, no PHI), its
// decoded text, a one-tenant policy configuration and a transaction.
package org.mailward.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.mailward.api.EmailAddress;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.Purpose;
import org.mailward.api.Redactor;
import org.mailward.api.SecurityLevel;
import org.mailward.api.SessionInfo;
import org.mailward.api.Tenant;
import org.mailward.api.TenantId;
import org.mailward.api.TenantLimits;
import org.mailward.api.TlsFallback;
import org.mailward.api.Transaction;
import org.mailward.policy.PolicyConfig;

/** Public so the PHI accuracy runner (org.mailward.bench.phi) builds the engine exactly as the benchmarks do. */
public final class PolicyBenchData {
  public static final TenantId TENANT = new TenantId("bench");
  public static final Instant NOW = Instant.parse("2026-11-01T10:00:00Z");
  public static final Redactor REDACTOR = new Redactor("bench-redactor-key-0123456789".getBytes(StandardCharsets.US_ASCII));

  private PolicyBenchData() {}

  private static final String[] SENTENCES = {
    "Join our free diabetes education class this Saturday at the north campus. ",
    "Our new mammogram suite opens 03/14/2026; call 2125550147 to book a visit. ",
    "Screening helps catch hypertension early, and our nurses can help you plan. ",
    "The pharmacy now carries insulin pens and ships orders over $35 for free. ",
    "Meet Dr. Rivera, who joins the cardiology team and treats atrial fibrillation. ",
    "Use code SPRING26 at the front desk for free parking in garage B. ",
    "Wellness week brings A1C and lipid panel screenings to the mobile clinic. ",
    "Our clinics are open seven days a week with extended evening hours. ",
  };

  /** Plain decoded text of about {@code bytes} characters. */
  static String text(int bytes) {
    StringBuilder sb = new StringBuilder(bytes + 128);
    Random r = new Random(42);
    while (sb.length() < bytes) {
      sb.append(SENTENCES[r.nextInt(SENTENCES.length)]);
      if (r.nextInt(6) == 0) {
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** A ~60 KB marketing message: HTML, quoted-printable, with an unsubscribe footer. */
  static byte[] marketingHtmlMessage() {
    StringBuilder html = new StringBuilder("<html><head><style>p{font-family:Arial}</style></head><body><table>");
    String text = text(40 * 1024);
    for (String para : text.split("\n")) {
      html.append("<tr><td><p style=\"margin:0;color:#333\">").append(para).append("</p></td></tr>\n");
    }
    html.append("</table><p><a href=\"https://clinic.example/unsub\">Unsubscribe</a></p></body></html>");
    StringBuilder qp = new StringBuilder();
    int col = 0;
    for (char c : html.toString().toCharArray()) {
      if (c == '\n') {
        qp.append("\r\n");
        col = 0;
        continue;
      }
      String piece = c == '=' ? "=3D" : String.valueOf(c);
      if (col + piece.length() > 72) {
        qp.append("=\r\n");
        col = 0;
      }
      qp.append(piece);
      col += piece.length();
    }
    String message = "From: Clinic News <news@clinic.example>\r\nTo: pat@example.net\r\nSubject: Spring at the clinic\r\n"
        + "Date: Sun, 1 Nov 2026 10:00:00 +0000\r\nMessage-ID: <bench@clinic.example>\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + qp + "\r\n";
    return message.getBytes(StandardCharsets.UTF_8);
  }

  /** The marketing message as a spooled body that opens from memory. */
  static org.mailward.api.BodySource marketingBody() {
    byte[] message = marketingHtmlMessage();
    return new org.mailward.api.BodySource() {
      @Override
      public java.io.InputStream open() {
        return new java.io.ByteArrayInputStream(message);
      }

      @Override
      public long size() {
        return message.length;
      }
    };
  }

  /** A one-recipient marketing envelope with these header edits, DKIM-signed or not, at NOW. */
  static org.mailward.api.Envelope marketingEnvelope(List<org.mailward.api.HeaderEdit> edits, boolean dkimSign) {
    return new org.mailward.api.Envelope(MessageId.generate(NOW.toEpochMilli(), new Random(1)), TENANT, Optional.empty(),
        MailParameters.defaults(),
        List.of(org.mailward.api.Recipient.of(EmailAddress.parse("pat@example.net", false).orElseThrow())),
        Purpose.MARKETING, SecurityLevel.ENCRYPT, TlsFallback.DEFER, edits, dkimSign, NOW, "bench");
  }

  public static Tenant tenant() {
    return new Tenant(TENANT, "apikey-bench", "$pbkdf2-sha256$x", Set.of("clinic.example"), new TenantLimits(100, 50_000_000, 100, 0),
        Purpose.MARKETING, SecurityLevel.ENCRYPT, TlsFallback.DEFER);
  }

  public static Transaction transaction() {
    return new Transaction(new SessionInfo("bench", "127.0.0.1", "esp.test", tenant(), Optional.of("TLSv1.3"), Optional.empty()),
        MessageId.generate(NOW.toEpochMilli(), new Random(1)), EmailAddress.parse("news@clinic.example", false), MailParameters.defaults());
  }

  public static PolicyConfig config() {
    byte[] secret = "bench-token-secret-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    PolicyConfig.TenantPolicy tp = new PolicyConfig.TenantPolicy(List.of(), false, PolicyConfig.PhiPolicy.defaults(),
        new PolicyConfig.UnsubscribePolicy(Optional.of(URI.create("https://u.clinic.example")), Optional.empty(),
            PolicyConfig.EspHeader.REPLACE, Optional.empty()), Optional.empty());
    return new PolicyConfig(new PolicyConfig.Global(secret, Duration.ofDays(60), 2_000_000, Duration.ofMinutes(10),
        Duration.ofSeconds(2), 4 << 20), Map.of(TENANT, tp));
  }
}

package org.mailward.delivery;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;
import org.mailward.api.TlsFallback;

/** Envelopes and bodies for delivery tests. */
public final class Mail {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Mail() {}

  public static EmailAddress addr(String s) {
    return EmailAddress.parse(s, true).orElseThrow();
  }

  public static Envelope envelope(Instant receivedAt, SecurityLevel level, TlsFallback fallback, MailParameters params,
      String sender, String... rcpts) {
    List<Recipient> rs = Arrays.stream(rcpts).map(r -> Recipient.of(addr(r))).toList();
    return new Envelope(MessageId.generate(receivedAt.toEpochMilli(), RANDOM), new TenantId("t1"),
        sender == null ? Optional.empty() : Optional.of(addr(sender)), params, rs, Purpose.TREATMENT, level, fallback, List.of(),
        false, receivedAt, "s1");
  }

  public static Envelope envelope(Instant receivedAt, SecurityLevel level, String... rcpts) {
    return envelope(receivedAt, level, TlsFallback.DEFER, MailParameters.defaults(), "sender@clinic.example", rcpts);
  }

  public static byte[] body(String marker) {
    return body(marker, "");
  }

  /** @param extraHeaders complete header lines, each ending in CRLF */
  public static byte[] body(String marker, String extraHeaders) {
    return (extraHeaders + "From: <sender@clinic.example>\r\nTo: <patient@example.org>\r\nSubject: Appointment " + marker
        + "\r\nMessage-ID: <" + marker + "@clinic.example>\r\n\r\nBody line with marker " + marker
        + "\r\n.leading dot line\r\nlast line\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** The same envelope (new id) with every recipient's NOTIFY set to {@code notify}. */
  public static Envelope withNotify(Envelope e, java.util.Set<Recipient.Notify> notify) {
    return new Envelope(MessageId.generate(e.receivedAt().toEpochMilli(), RANDOM), e.tenant(), e.reversePath(), e.parameters(),
        e.recipients().stream().map(r -> new Recipient(r.address(), notify, r.originalRecipient())).toList(), e.purpose(),
        e.requiredLevel(), e.fallback(), e.headerEdits(), e.dkimSign(), e.receivedAt(), e.sessionId());
  }
}

package org.mailward.core.inbound;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import org.mailward.api.MessageId;

/**
 * Builds the {@code Received:} trace field Mailward prepends (RFC 5321 4.4,
 * protocol names from RFC 3848/6531). It records the HELO name, the client
 * address, the protocol, TLS version and cipher, the message id and the date;
 * never an envelope address.
 */
final class ReceivedHeader {
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  private ReceivedHeader() {}

  static byte[] build(String heloName, String clientIp, String hostname, boolean esmtp, boolean authenticated,
      boolean smtpUtf8, Optional<String> tlsProtocol, Optional<String> tlsCipher, MessageId id, ZonedDateTime now) {
    String protocol = (smtpUtf8 ? "UTF8SMTP" : esmtp ? "ESMTP" : "SMTP")
        + (tlsProtocol.isPresent() && (esmtp || smtpUtf8) ? "S" : "") + (authenticated && (esmtp || smtpUtf8) ? "A" : "");
    StringBuilder sb = new StringBuilder(256);
    sb.append("Received: from ").append(clean(heloName)).append(" ([").append(clean(clientIp)).append("])\r\n");
    sb.append("\tby ").append(hostname).append(" (Mailward) with ").append(protocol).append(" id ").append(id);
    if (tlsProtocol.isPresent()) {
      sb.append("\r\n\t(version=").append(clean(tlsProtocol.get())).append(" cipher=").append(clean(tlsCipher.orElse("unknown"))).append(')');
    }
    sb.append(";\r\n\t").append(DATE.format(now)).append("\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Printable ASCII without parentheses or brackets; anything else becomes '?'. */
  private static String clean(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 255));
    for (int i = 0; i < s.length() && i < 255; i++) {
      char c = s.charAt(i);
      sb.append(c > 32 && c < 127 && c != '(' && c != ')' && c != '[' && c != ']' && c != ';' ? c : '?');
    }
    return sb.toString();
  }
}

package org.mailward.core.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.mailward.api.SmtpReply;

/**
 * A reply as the session sends it. Almost every reply is an {@link SmtpReply}
 * with an RFC 3463 enhanced code; only the greeting, the EHLO/HELO answer, the
 * AUTH challenge (334) and the DATA go-ahead (354) go without one, as RFC 2034
 * and RFC 4954 require. Lines never contain CR or LF.
 *
 * @param status the enhanced status code, or empty for the four kinds above
 */
public record Response(int code, String status, List<String> lines) {

  public Response {
    lines = List.copyOf(lines);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a reply needs at least one line");
    }
    for (String l : lines) {
      if (l.indexOf('\r') >= 0 || l.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("reply line with CR or LF");
      }
    }
    if (status.isEmpty() && code != 220 && code != 250 && code != 334 && code != 354) {
      throw new IllegalArgumentException("reply " + code + " needs an enhanced status code");
    }
  }

  public static Response of(SmtpReply reply) {
    return new Response(reply.code(), reply.status(), reply.lines());
  }

  public static Response of(int code, String status, String text) {
    return of(SmtpReply.of(code, status, text));
  }

  /** A reply without an enhanced code (greeting, EHLO, 334, 354). */
  public static Response plain(int code, List<String> lines) {
    return new Response(code, "", lines);
  }

  public boolean isPositive() {
    return code < 400;
  }

  /** The reply as sent: {@code code-status text} per line, the last one with a space, CRLF-terminated. */
  public String toWire() {
    StringBuilder sb = new StringBuilder(32 * lines.size());
    for (int i = 0; i < lines.size(); i++) {
      sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
      if (!status.isEmpty()) {
        sb.append(status).append(' ');
      }
      sb.append(lines.get(i)).append("\r\n");
    }
    return sb.toString();
  }

  public byte[] toWireBytes() {
    return toWire().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return code + (status.isEmpty() ? "" : " " + status) + " " + String.join(" / ", lines);
  }
}

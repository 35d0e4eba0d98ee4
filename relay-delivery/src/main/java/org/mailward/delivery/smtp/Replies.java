package org.mailward.delivery.smtp;

import io.netty.handler.codec.smtp.SmtpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.mailward.api.SmtpReply;

/**
 * Turns a peer's reply into an {@link SmtpReply}, keeping its enhanced status
 * code (RFC 3463) or supplying the class default {@code X.0.0} when the peer
 * sent none. Also the replies Mailward makes up for local failures.
 */
public final class Replies {
  private static final Pattern STATUS = Pattern.compile("([245])\\.\\d{1,3}\\.\\d{1,3}");

  private static final String GO_AHEAD = "intermediate ";

  private Replies() {}

  /** True for the 354 a server sends to DATA ("go ahead, send the body"). */
  public static boolean isGoAhead(SmtpReply r) {
    return r.code() == 250 && r.lines().get(0).startsWith(GO_AHEAD + "354");
  }

  public static SmtpReply from(SmtpResponse r) {
    int code = r.code();
    if (code >= 300 && code < 400) {
      // SmtpReply has no 3xx class; an intermediate reply (354 to DATA) is carried as a marked 250.
      return SmtpReply.of(250, "2.0.0", GO_AHEAD + code + " " + String.join(" ", r.details()));
    }
    if (code < 200 || code > 599) {
      return SmtpReply.of(451, "4.5.0", "peer sent reply code " + code);
    }
    List<String> lines = new ArrayList<>();
    String status = null;
    for (CharSequence cs : r.details()) {
      String line = cs.toString();
      int sp = line.indexOf(' ');
      String first = sp < 0 ? line : line.substring(0, sp);
      if (STATUS.matcher(first).matches() && first.charAt(0) - '0' == code / 100) {
        if (status == null) {
          status = first;
        }
        line = sp < 0 ? "" : line.substring(sp + 1);
      }
      lines.add(line.isEmpty() ? "-" : line);
    }
    if (lines.isEmpty()) {
      lines.add("-");
    }
    return new SmtpReply(code, status != null ? status : (code / 100) + ".0.0", lines);
  }

  public static SmtpReply local(int code, String status, String text) {
    return SmtpReply.of(code, status, text);
  }

  /** Whether the reply asks us to slow down: 421, or any 4.7.x. */
  public static boolean isThrottle(SmtpReply r) {
    return r.code() == 421 || r.status().startsWith("4.7.");
  }
}

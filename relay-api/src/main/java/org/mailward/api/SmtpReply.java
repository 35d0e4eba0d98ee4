package org.mailward.api;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One SMTP reply: a three-digit code, an RFC 3463 enhanced status code and one
 * or more text lines. Every reply Mailward sends has an enhanced code.
 */
public record SmtpReply(int code, String status, List<String> lines) {
  private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
  private static final Pattern ADDRESS = Pattern.compile("[^\\s<>\"'(),;:\\[\\]]+@[^\\s<>\"'(),;\\[\\]]+");

  public SmtpReply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("reply code out of range: " + code);
    }
    if (!STATUS.matcher(status).matches() || status.charAt(0) - '0' != code / 100) {
      throw new IllegalArgumentException("enhanced status " + status + " does not fit code " + code);
    }
    lines = List.copyOf(lines);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a reply needs at least one line");
    }
  }

  public static SmtpReply of(int code, String status, String text) {
    return new SmtpReply(code, status, List.of(text));
  }

  public boolean isPositive() {
    return code < 400;
  }

  public boolean isTransient() {
    return code >= 400 && code < 500;
  }

  public boolean isPermanent() {
    return code >= 500;
  }

  /** The reply as sent: each line {@code code-status text}, the last with a space, CRLF-terminated. */
  public String toWire() {
    StringBuilder sb = new StringBuilder(32 * lines.size());
    for (int i = 0; i < lines.size(); i++) {
      sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
      sb.append(status).append(' ').append(lines.get(i)).append("\r\n");
    }
    return sb.toString();
  }

  public byte[] toWireBytes() {
    return toWire().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code code status text} on one line, fit for a log line or a stored piece of evidence: a remote
   * server's text often quotes the recipient, so every address-shaped word becomes {@code [address]};
   * control characters become spaces and the text is cut at 200 characters.
   */
  public String withoutAddresses() {
    String text = ADDRESS.matcher(String.join(" ", lines).replaceAll("\\p{Cntrl}", " ")).replaceAll("[address]").strip();
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return code + " " + status + " " + text;
  }

  @Override
  public String toString() {
    return code + " " + status + " " + String.join(" / ", lines);
  }
}

package org.mailward.bench.load;

import java.util.List;
import java.util.Locale;

/**
 * A load profile of the bench (issue 8): message size, recipients per
 * message, concurrency, idle sessions, the tenant's purpose and whether
 * Mailward signs with DKIM. Raw and Postfix legs reuse a profile's message
 * shape so the ratios compare like with like.
 *
 * @param purpose the tenant's default purpose in the Mailward config; {@code marketing} means every
 *     recipient needs an authorization, which the bench imports before the relay starts
 * @param attachmentBytes size of the PDF brochure attached to every message (P6), 0 for none
 */
record Profile(String name, String description, int messageSize, int recipients, int connections, int idleConnections,
    String purpose, boolean dkim, boolean backlog, int attachmentBytes) {

  Profile(String name, String description, int messageSize, int recipients, int connections, int idleConnections,
      String purpose, boolean dkim, boolean backlog) {
    this(name, description, messageSize, recipients, connections, idleConnections, purpose, dkim, backlog, 0);
  }

  /** @param attachmentBytes the PDF size for P6 (the bench's {@code --attachment}); ignored by P1..P5 */
  static Profile named(String name, int connections, int attachmentBytes) {
    return switch (name.toUpperCase(Locale.ROOT)) {
      case "P1" -> new Profile("P1", "60 KB HIPAA marketing: TLS in/out, encrypted spool, PHI scan, ESP DKIM pass-through",
          60 * 1024, 1, connections, 0, "marketing", false, false);
      case "P2" -> new Profile("P2", "P1 + Mailward DKIM signing (RSA-2048)",
          60 * 1024, 1, connections, 0, "marketing", true, false);
      case "P3" -> new Profile("P3", "4 KB transactional", 4 * 1024, 1, connections, 0, "transactional", false, false);
      case "P4" -> new Profile("P4", "backlog drain: recipients queued while the sink answers 4xx, then released",
          4 * 1024, 100, connections, 0, "transactional", false, true);
      case "P5" -> new Profile("P5", "5,000 concurrent inbound sessions, most idle (4 KB)",
          4 * 1024, 1, Math.min(connections, 50), 5000 - Math.min(connections, 50), "transactional", false, false);
      case "P6" -> new Profile("P6", "attachments: P1 + a PDF brochure (text pages and images) the PHI scan extracts",
          60 * 1024, 1, connections, 0, "marketing", false, false, attachmentBytes);
      default -> throw new IllegalArgumentException("unknown profile " + name + " (P1..P6)");
    };
  }

  static List<Profile> parse(String csv, int connections, int attachmentBytes) {
    return java.util.Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .map(s -> named(s, connections, attachmentBytes)).toList();
  }

  /** The same profile with another tenant purpose (e.g. {@code transactional} when consent cannot be imported). */
  Profile withPurpose(String p) {
    return new Profile(name, description, messageSize, recipients, connections, idleConnections, p, dkim, backlog,
        attachmentBytes);
  }

  String sizeLabel() {
    String text = messageSize >= 1024 ? messageSize / 1024 + " KB" : messageSize + " B";
    if (attachmentBytes == 0) {
      return text;
    }
    return text + " + " + (attachmentBytes >= 1 << 20 ? attachmentBytes / (1 << 20) + " MB" : attachmentBytes / 1024 + " KB") + " PDF";
  }
}

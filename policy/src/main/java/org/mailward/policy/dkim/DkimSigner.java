package org.mailward.policy.dkim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mailward.policy.dkim.HeaderBlock.Field;

/**
 * Makes the DKIM-Signature field (RFC 6376, c=relaxed/relaxed) for one domain and selector: signs
 * the fields present from a fixed list (including List-Unsubscribe and List-Unsubscribe-Post) and
 * oversigns From and Subject (lists each once more than present, so none can be added later).
 */
public final class DkimSigner {
  static final List<String> SIGNED = List.of("from", "to", "cc", "subject", "date", "message-id", "reply-to", "sender",
      "mime-version", "content-type", "content-transfer-encoding", "in-reply-to", "references", "list-id",
      "list-unsubscribe", "list-unsubscribe-post");
  static final List<String> OVERSIGNED = List.of("from", "subject");

  private final String domain;
  private final String selector;
  private final DkimKey key;
  private final Clock clock;

  public DkimSigner(String domain, String selector, DkimKey key, Clock clock) {
    this.domain = domain.toLowerCase(Locale.ROOT);
    this.selector = selector;
    this.key = key;
    this.clock = clock;
  }

  public DkimKey key() {
    return key;
  }

  /** The DKIM-Signature field for these (already edited) header fields and body hash. */
  Field sign(List<Field> fields, byte[] bodyHash) throws GeneralSecurityException {
    List<String> names = new ArrayList<>();
    Map<String, Integer> present = new HashMap<>();
    for (Field f : fields) {
      present.merge(f.name().toLowerCase(Locale.ROOT), 1, Integer::sum);
    }
    for (String name : SIGNED) {
      int count = present.getOrDefault(name, 0) + (OVERSIGNED.contains(name) ? 1 : 0);
      for (int i = 0; i < count; i++) {
        names.add(name);
      }
    }
    String unsigned = "DKIM-Signature: v=1; a=" + key.algorithm() + "; c=relaxed/relaxed; d=" + domain + "; s=" + selector
        + ";\r\n\tt=" + clock.instant().getEpochSecond() + "; h=" + String.join(":", names) + ";\r\n\tbh="
        + Base64.getEncoder().encodeToString(bodyHash) + ";\r\n\tb=";
    StringBuilder data = new StringBuilder(1024);
    Map<String, Integer> used = new HashMap<>();
    for (String name : names) {
      int skip = used.merge(name, 1, Integer::sum);
      Field instance = fromBottom(fields, name, skip);
      if (instance != null) {
        data.append(HeaderBlock.relaxed(instance.raw())).append("\r\n");
      }
    }
    data.append(HeaderBlock.relaxed(unsigned));
    byte[] signature = key.sign(data.toString().getBytes(StandardCharsets.ISO_8859_1));
    return new Field("DKIM-Signature", unsigned + Base64.getEncoder().encodeToString(signature));
  }

  /** The {@code nth} (1-based) field with this name counting from the bottom, or null. */
  private static Field fromBottom(List<Field> fields, String name, int nth) {
    int seen = 0;
    for (int i = fields.size() - 1; i >= 0; i--) {
      if (fields.get(i).is(name) && ++seen == nth) {
        return fields.get(i);
      }
    }
    return null;
  }

  /** The TXT record to publish at {@code selector._domainkey.domain}. */
  public String dnsRecord() {
    return "v=DKIM1; k=" + key.keyType() + "; p=" + key.publicKeyBase64();
  }

  public String domain() {
    return domain;
  }

  public String selector() {
    return selector;
  }
}

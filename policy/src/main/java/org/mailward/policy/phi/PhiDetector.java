package org.mailward.policy.phi;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.message.MaximalBodyDescriptor;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.util.MimeUtil;
import org.mailward.policy.PolicyConfig.PhiPolicy;

/**
 * Finds PHI in one message: a streaming mime4j parse with transfer decoding, text parts decoded
 * with their charset (HTML reduced to text), the Subject and attachment names scanned strictly
 * (any identifier or health term counts), bodies in the Zix style (an identifier near health
 * context, or any identifier under the tenant's stricter rule). Blocking; run it on a worker.
 * Thread-safe: each call has its own parser.
 */
public final class PhiDetector {
  private static final int MAX_PART_CHARS = 4 << 20;

  private final TextScanner scanner;
  private final PhiPolicy policy;

  public PhiDetector(HealthDictionary dictionary, PhiPolicy policy) {
    this.scanner = new TextScanner(dictionary, policy.patterns());
    this.policy = policy;
  }

  /** Scans a message (header and body as received). {@code truncated} marks a partial body. */
  public PhiReport scan(InputStream message, boolean truncated) {
    Handler handler = new Handler();
    MimeConfig config = MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(-1).setMaxHeaderCount(-1)
        .setMaxContentLen(-1).setStrictParsing(false).build();
    MimeStreamParser parser = new MimeStreamParser(config, DecodeMonitor.SILENT, new DefaultBodyDescriptorBuilder());
    parser.setContentDecoding(true);
    parser.setContentHandler(handler);
    boolean unparseable = false;
    try {
      parser.parse(message);
    } catch (MimeException | IOException | RuntimeException e) {
      unparseable = true;
    }
    return new PhiReport(handler.subjectPhi, handler.bodyPhi, handler.counts, handler.opaque, truncated, unparseable,
        Optional.ofNullable(handler.purpose), handler.listUnsubscribe);
  }

  /** Scans a text on its own (benchmarks and tests of the body rule). */
  public TextFindings scanText(CharSequence text) {
    return scanner.scan(text);
  }

  /** True when the text meets the body rule. */
  public boolean isBodyPhi(TextFindings f) {
    return policy.identifierAloneIsPhi() ? f.identifierCount() > 0 : f.identifierNearHealth(policy.windowChars());
  }

  private final class Handler extends AbstractContentHandler {
    private int headers;
    private boolean inTopHeader;
    boolean subjectPhi;
    boolean bodyPhi;
    boolean listUnsubscribe;
    int opaque;
    String purpose;
    final Map<String, Integer> counts = new HashMap<>();

    @Override
    public void startHeader() {
      inTopHeader = headers++ == 0;
    }

    @Override
    public void endHeader() {
      inTopHeader = false;
    }

    @Override
    public void field(Field field) {
      if (!inTopHeader) {
        return;
      }
      String name = field.getName().toLowerCase(Locale.ROOT);
      switch (name) {
        case "subject" -> {
          String subject = DecoderUtil.decodeEncodedWords(MimeUtil.unfold(field.getBody()), DecodeMonitor.SILENT);
          TextFindings f = scanner.scan(subject);
          add("subject.", f);
          subjectPhi |= f.identifierCount() > 0 || f.healthCount() > 0;
        }
        case "x-mailward-purpose" -> purpose = MimeUtil.unfold(field.getBody()).trim();
        case "list-unsubscribe" -> listUnsubscribe = true;
        default -> { }
      }
    }

    @Override
    public void body(BodyDescriptor bd, InputStream is) throws IOException {
      if (bd instanceof MaximalBodyDescriptor md) {
        String name = md.getContentDispositionFilename();
        if (name == null) {
          name = md.getContentTypeParameters().get("name");
        }
        if (name != null) {
          TextFindings f = scanner.scan(DecoderUtil.decodeEncodedWords(name, DecodeMonitor.SILENT));
          add("attachment-name.", f);
          bodyPhi |= f.identifierCount() > 0 || f.healthCount() > 0;
        }
      }
      String type = bd.getMimeType() == null ? "text/plain" : bd.getMimeType().toLowerCase(Locale.ROOT);
      if (!type.startsWith("text/")) {
        opaque++;
        return;
      }
      String text = read(is, charset(bd.getCharset()));
      if (type.equals("text/html")) {
        text = HtmlText.toText(text);
      }
      TextFindings f = scanner.scan(text);
      add("", f);
      bodyPhi |= isBodyPhi(f);
    }

    private void add(String prefix, TextFindings f) {
      f.forEachCount((k, v) -> counts.merge(prefix + k, v, Integer::sum));
    }
  }

  private static Charset charset(String name) {
    if (name == null || name.equalsIgnoreCase("us-ascii")) {
      return StandardCharsets.UTF_8;
    }
    try {
      return Charset.forName(name);
    } catch (RuntimeException e) {
      return StandardCharsets.ISO_8859_1;
    }
  }

  private static String read(InputStream in, Charset charset) throws IOException {
    Reader reader = new InputStreamReader(in, charset);
    StringBuilder sb = new StringBuilder(4096);
    char[] buf = new char[8192];
    int n;
    while ((n = reader.read(buf)) > 0) {
      if (sb.length() < MAX_PART_CHARS) {
        sb.append(buf, 0, Math.min(n, MAX_PART_CHARS - sb.length()));
      }
    }
    return sb.toString();
  }
}

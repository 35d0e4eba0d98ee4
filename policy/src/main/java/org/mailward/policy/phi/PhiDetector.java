package org.mailward.policy.phi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.field.LenientFieldParser;
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
 * Finds PHI in one message: a streaming mime4j parse, text parts transfer-decoded
 * ({@link TransferDecoding}) and decoded with their charset (HTML reduced to text), the Subject and attachment names scanned strictly
 * (any identifier or health term counts), bodies in the Zix style (an identifier near health
 * context, or any identifier under the tenant's stricter rule). Blocking; run it on a worker.
 * Thread-safe: each call has its own parser.
 */
public final class PhiDetector {
  private static final int MAX_PART_BYTES = 8 << 20;

  private final TextScanner scanner;
  private final PhiPolicy policy;
  private final MimeConfig mimeConfig = MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(-1).setMaxHeaderCount(-1)
      .setMaxContentLen(-1).setStrictParsing(false).build();

  public PhiDetector(HealthDictionary dictionary, PhiPolicy policy) {
    this.scanner = new TextScanner(dictionary, policy.patterns());
    this.policy = policy;
  }

  /** Scans a message (header and body as received). {@code truncated} marks a partial body. */
  public PhiReport scan(InputStream message, boolean truncated) {
    Handler handler;
    try {
      handler = new Handler(message.available());
    } catch (IOException e) {
      handler = new Handler(0);
    }
    // Lenient field parsing: the strict (JavaCC) Content-Type parser allocated ~40 KB per header.
    MimeStreamParser parser = new MimeStreamParser(mimeConfig, DecodeMonitor.SILENT,
        new DefaultBodyDescriptorBuilder(null, LenientFieldParser.getParser(), DecodeMonitor.SILENT));
    parser.setContentDecoding(false); // TransferDecoding: mime4j's quoted-printable stream is slow
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
    private byte[] scratch;
    private int rawLength;

    /**
     * {@code expectedBytes}: the message's size if known, so that one scratch array fits every
     * part of an ordinary message; a large one (attachments, which are never read) starts at
     * 256 KB and grows only for a text part that needs it.
     */
    Handler(int expectedBytes) {
      scratch = new byte[Math.max(4 << 10, Math.min(256 << 10, expectedBytes))];
    }

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
      byte[] raw = read(is);
      TransferDecoding.Decoded decoded = TransferDecoding.decode(bd.getTransferEncoding(), raw, rawLength);
      String text = new String(decoded.bytes(), 0, decoded.length(), charset(bd.getCharset()));
      if (type.equals("text/html")) {
        text = HtmlText.toText(text);
      }
      TextFindings f = scanner.scan(text);
      add("", f);
      bodyPhi |= isBodyPhi(f);
    }

    /**
     * Reads a part's raw (still transfer-encoded) bytes into {@link #scratch}, reused for every
     * part of the message (sized from the message, grown only if that was not known); beyond
     * {@value #MAX_PART_BYTES} bytes the rest is skipped.
     */
    private byte[] read(InputStream in) throws IOException {
      int n = 0;
      while (true) {
        if (n == scratch.length) {
          if (n == MAX_PART_BYTES) {
            in.transferTo(OutputStream.nullOutputStream());
            break;
          }
          scratch = Arrays.copyOf(scratch, Math.min(MAX_PART_BYTES, n * 2));
        }
        int r = in.read(scratch, n, scratch.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      rawLength = n;
      return scratch;
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


}

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
 * Thread-safe: each call has its own parser, and works in its thread's reused arrays ({@link
 * ScanBuffers}: raw part bytes, decoded text, stripped HTML), which it gives back when it returns.
 */
public final class PhiDetector {
  private static final int MAX_PART_BYTES = 8 << 20;

  private final TextScanner scanner;
  private final PhiPolicy policy;
  private final ScanBuffers buffers;
  private final MimeConfig mimeConfig = MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(-1).setMaxHeaderCount(-1)
      .setMaxContentLen(-1).setStrictParsing(false).build();

  /** A detector with scratch arrays of its own (one set per thread that scans). */
  public PhiDetector(HealthDictionary dictionary, PhiPolicy policy) {
    this(dictionary, policy, new ScanBuffers());
  }

  /** A detector sharing {@code buffers} with the engine's other detectors (one set per thread, not per tenant). */
  public PhiDetector(HealthDictionary dictionary, PhiPolicy policy, ScanBuffers buffers) {
    this.scanner = new TextScanner(dictionary, policy.patterns());
    this.policy = policy;
    this.buffers = buffers;
  }

  /** Scans a message (header and body as received). {@code truncated} marks a partial body. */
  public PhiReport scan(InputStream message, boolean truncated) {
    ScanScratch scratch = buffers.acquire();
    try {
      return scan(message, truncated, scratch);
    } finally {
      buffers.release(scratch);
    }
  }

  private PhiReport scan(InputStream message, boolean truncated, ScanScratch scratch) {
    int expected;
    try {
      expected = message.available();
    } catch (IOException e) {
      expected = 0;
    }
    Handler handler = new Handler(expected, scratch);
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
    ScanScratch scratch = buffers.acquire();
    try {
      return scanner.scan(text, scratch.chunk());
    } finally {
      buffers.release(scratch);
    }
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
    private final ScanScratch scratch;
    private byte[] raw;
    private int rawLength;

    /**
     * {@code expectedBytes}: the message's size if known, so that one raw array fits every part
     * of an ordinary message; a large one (attachments, which are never read) starts at 256 KB and
     * grows only for a text part that needs it. The thread's array from earlier scans is reused
     * when it is at least that large.
     */
    Handler(int expectedBytes, ScanScratch scratch) {
      this.scratch = scratch;
      int initial = Math.max(4 << 10, Math.min(256 << 10, expectedBytes));
      raw = scratch.raw();
      if (raw.length < initial) {
        raw = new byte[initial];
        scratch.raw(raw);
      }
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
          TextFindings f = scanner.scan(subject, scratch.chunk());
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
          TextFindings f = scanner.scan(DecoderUtil.decodeEncodedWords(name, DecodeMonitor.SILENT), scratch.chunk());
          add("attachment-name.", f);
          bodyPhi |= f.identifierCount() > 0 || f.healthCount() > 0;
        }
      }
      String type = bd.getMimeType() == null ? "text/plain" : bd.getMimeType().toLowerCase(Locale.ROOT);
      if (!type.startsWith("text/")) {
        opaque++;
        return;
      }
      read(is);
      TransferDecoding.Decoded decoded = TransferDecoding.decode(bd.getTransferEncoding(), raw, rawLength);
      // Decoded into the thread's text array, as new String(bytes, charset) would, and scanned there.
      CharArrayText text = scratch.decode(decoded.bytes(), decoded.length(), charset(bd.getCharset()));
      if (type.equals("text/html")) {
        text = HtmlText.toText(text, scratch);
      }
      TextFindings f = scanner.scan(text, scratch.chunk());
      add("", f);
      bodyPhi |= isBodyPhi(f);
    }

    /**
     * Reads a part's raw (still transfer-encoded) bytes into {@link #raw}, reused for every part
     * of the message and kept in the thread's scratch for later ones (sized from the message,
     * grown only if that was not known); beyond {@value #MAX_PART_BYTES} bytes the rest is skipped.
     */
    private void read(InputStream in) throws IOException {
      int n = 0;
      while (true) {
        if (n == raw.length) {
          if (n >= MAX_PART_BYTES) {
            in.transferTo(OutputStream.nullOutputStream());
            break;
          }
          raw = Arrays.copyOf(raw, Math.min(MAX_PART_BYTES, n * 2));
          scratch.raw(raw);
        }
        int r = in.read(raw, n, raw.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      rawLength = n;
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

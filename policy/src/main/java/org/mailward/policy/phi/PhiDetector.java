package org.mailward.policy.phi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import org.mailward.policy.PolicyConfig.ExtractionLimits;
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
  /** Characters of text taken from one attachment; beyond, it is unreadable ({@code budget}). */
  static final int ATTACHMENT_MAX_CHARS = 2 << 20;

  private final TextScanner scanner;
  private final PhiPolicy policy;
  private final ScanBuffers buffers;
  /** Raw (transfer-encoded) bytes read of one part; a larger attachment is unreadable ({@code too-large}). */
  private final int maxPartBytes;
  /** Time for the attachments of one message. */
  private final long attachmentTimeBudgetNanos;
  private final MimeConfig mimeConfig = MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(-1).setMaxHeaderCount(-1)
      .setMaxContentLen(-1).setStrictParsing(false).build();

  /** A detector with scratch arrays of its own (one set per thread that scans). */
  public PhiDetector(HealthDictionary dictionary, PhiPolicy policy) {
    this(dictionary, policy, new ScanBuffers());
  }

  /** A detector sharing {@code buffers} with the engine's other detectors (one set per thread, not per tenant). */
  public PhiDetector(HealthDictionary dictionary, PhiPolicy policy, ScanBuffers buffers) {
    this(dictionary, policy, buffers, ExtractionLimits.defaults());
  }

  /** As above, reading at most {@code limits} of each message's parts. */
  public PhiDetector(HealthDictionary dictionary, PhiPolicy policy, ScanBuffers buffers, ExtractionLimits limits) {
    this.scanner = new TextScanner(dictionary, policy.patterns());
    this.policy = policy;
    this.buffers = buffers;
    this.maxPartBytes = limits.maxPartBytes();
    this.attachmentTimeBudgetNanos = limits.timeBudget().toNanos();
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
    // A truncated body ends inside its last part: a part still open when the kept bytes run out is
    // cut, and a cut PDF or Office file is not worth parsing (PDFBox searched a cut 20 MB PDF for
    // its objects for seconds in the P6 load bench). Such a part is unreadable (too-large) at once.
    EndSeen end = truncated ? new EndSeen(message) : null;
    if (end != null) {
      message = end;
    }
    Handler handler = new Handler(expected, scratch);
    handler.end = end;
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
        Optional.ofNullable(handler.purpose), handler.listUnsubscribe, handler.evidence);
  }

  /** Scans a text on its own (benchmarks and tests of the body rule). */
  public TextFindings scanText(CharSequence text) {
    ScanScratch scratch = buffers.acquire();
    try {
      return scanner.scan(text, scratch);
    } finally {
      buffers.release(scratch);
    }
  }

  /** True when the text meets the body rule: its score ({@link PhiScore}) within the window, or any identifier under the tenant's stricter rule. */
  public boolean isBodyPhi(TextFindings f) {
    return f.score(policy.windowChars()).isPhi() || anyIdentifier(f, policy.identifierAloneIsPhi());
  }

  /**
   * Scores one decoded text and records its findings; returns true when it is PHI by {@code
   * window}. A {@code subject} is stricter: any identifier, or health words addressed to the
   * recipient ("Your HIV test is ready"), make it PHI on their own.
   */
  private boolean scanPart(CharSequence decoded, String where, int window, boolean subject, Handler h) {
    NormalText normal = NormalText.of(decoded);
    TextFindings f = scanner.scan(normal.text(), h.scratch, h.excluded);
    h.add(where.equals("subject") ? "subject." : where.startsWith("attachment-name") ? "attachment-name." : "", f);
    PhiScore score = f.score(window);
    List<PhiFinding> alone = subject ? subjectAlone(f) : List.of();
    boolean phi = score.isPhi() || anyIdentifier(f, subject || policy.identifierAloneIsPhi()) || !alone.isEmpty();
    if (phi) {
      List<PhiFinding> parts = score.isPhi() ? score.parts() : alone.isEmpty() ? identifiers(f) : alone;
      for (PhiFinding part : parts) {
        h.evidence.add(new PhiEvidence(where, part.at(normal.origin(part.start()), normal.origin(part.end()))));
      }
    }
    return phi;
  }

  /** What makes a Subject PHI on its own: an identifier, or health words addressed to the recipient. */
  private static List<PhiFinding> subjectAlone(TextFindings f) {
    List<PhiFinding> out = new ArrayList<>();
    for (PhiFinding x : f.findings()) {
      if (x.category() == PhiFinding.Category.IDENTIFIER || x.rule().equals(TextScanner.PERSONAL_HEALTH)) {
        out.add(x);
      }
    }
    return out;
  }

  private static boolean anyIdentifier(TextFindings f, boolean enabled) {
    return enabled && !identifiers(f).isEmpty();
  }

  private static List<PhiFinding> identifiers(TextFindings f) {
    List<PhiFinding> ids = new ArrayList<>();
    for (PhiFinding x : f.findings()) {
      if (x.category() == PhiFinding.Category.IDENTIFIER) {
        ids.add(x);
      }
    }
    return ids;
  }

  /** Notes when the kept body has been read to its end. */
  private static final class EndSeen extends java.io.FilterInputStream {
    boolean seen;

    EndSeen(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      seen |= b < 0;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      seen |= n < 0;
      return n;
    }
  }

  private final class Handler extends AbstractContentHandler {
    private int headers;
    private boolean inTopHeader;
    private int part;
    private String subject;
    boolean subjectPhi;
    boolean bodyPhi;
    boolean listUnsubscribe;
    int opaque;
    String purpose;
    final Map<String, Integer> counts = new HashMap<>();
    final List<PhiEvidence> evidence = new ArrayList<>();
    final Set<String> excluded = new HashSet<>();
    final ScanScratch scratch;
    final AttachmentText.Budget budget;
    private byte[] raw;
    private int rawLength;
    private boolean partTooLarge;
    private EndSeen end; // set when the body was truncated

    /**
     * {@code expectedBytes}: the message's size if known, so that one raw array fits every part
     * of an ordinary message; a large one starts at 256 KB and grows only for a part that needs
     * it. The thread's array from earlier scans is reused when it is at least that large.
     */
    Handler(int expectedBytes, ScanScratch scratch) {
      this.scratch = scratch;
      this.budget = new AttachmentText.Budget(System.nanoTime() + attachmentTimeBudgetNanos, ATTACHMENT_MAX_CHARS);
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
      if (inTopHeader && subject != null) {
        // Scanned once the whole header is read, so the sender's own words (From) are known.
        subjectPhi |= scanPart(subject, "subject", Integer.MAX_VALUE, true, this);
      }
      inTopHeader = false;
    }

    @Override
    public void field(Field field) {
      String name = field.getName().toLowerCase(Locale.ROOT);
      if (!inTopHeader) {
        if (name.equals("subject")) { // the Subject of an attached message is part of what is sent
          bodyPhi |= scanPart(decodeHeader(field), "part " + (part + 1), policy.windowChars(), false, this);
        }
        return;
      }
      switch (name) {
        case "subject" -> subject = decodeHeader(field);
        case "from", "sender", "reply-to" -> senderWords(decodeHeader(field));
        case "x-mailward-purpose" -> purpose = MimeUtil.unfold(field.getBody()).trim();
        case "list-unsubscribe" -> listUnsubscribe = true;
        default -> { }
      }
    }

    /** The sender's own words (the display names of From, Sender, Reply-To): a clinic's or a brand's name, never a patient's. */
    private void senderWords(String from) {
      int lt = from.indexOf('<');
      String display = lt < 0 ? (from.indexOf('@') < 0 ? from : "") : from.substring(0, lt);
      for (String w : NormalText.of(display).text().toString().toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
        if (w.length() > 1) {
          excluded.add(w);
        }
      }
    }

    @Override
    public void body(BodyDescriptor bd, InputStream is) throws IOException {
      part++;
      String fileName = null;
      if (bd instanceof MaximalBodyDescriptor md) {
        fileName = md.getContentDispositionFilename();
        if (fileName == null) {
          fileName = md.getContentTypeParameters().get("name");
        }
        if (fileName != null) {
          fileName = DecoderUtil.decodeEncodedWords(fileName, DecodeMonitor.SILENT);
          // "Jane_Example_biopsy.pdf" reads as words
          bodyPhi |= scanPart(fileName.replace('_', ' '), "attachment-name " + part, Integer.MAX_VALUE, false, this);
        }
      }
      String type = bd.getMimeType() == null ? "text/plain" : bd.getMimeType().toLowerCase(Locale.ROOT);
      read(is);
      TransferDecoding.Decoded decoded = TransferDecoding.decode(bd.getTransferEncoding(), raw, rawLength);
      boolean text = type.startsWith("text/") && !type.equals("text/rtf");
      if (text && !partTooLarge) {
        Charsets.Sniffed cs = Charsets.sniff(decoded.bytes(), decoded.length(), bd.getCharset());
        // Decoded into the thread's text array, as new String(bytes, charset) would, and scanned there.
        CharSequence chars = scratch.decode(decoded.bytes(), cs.bomLength(), decoded.length(), cs.charset());
        if (type.equals("text/html")) {
          chars = HtmlText.toText((CharArrayText) chars, scratch);
        } else if (type.equals("text/calendar")) {
          chars = AttachmentText.calendar(chars.toString());
        }
        bodyPhi |= scanPart(chars, "part " + part, policy.windowChars(), false, this);
        return;
      }
      boolean cut = end != null && end.seen;
      AttachmentText.Result result = partTooLarge || cut ? new AttachmentText.Unreadable(AttachmentText.Reason.TOO_LARGE)
          : AttachmentText.extract(AttachmentText.kind(type, fileName, decoded.bytes(), decoded.length()), decoded.bytes(),
              decoded.length(), budget);
      if (result instanceof AttachmentText.Text t) {
        counts.merge("attachment.read", 1, Integer::sum);
        bodyPhi |= scanPart(t.text(), "attachment " + part, policy.windowChars(), false, this);
      } else if (result instanceof AttachmentText.Unreadable u) {
        opaque++;
        counts.merge("attachment.unreadable." + u.reason().label(), 1, Integer::sum);
      }
    }

    /**
     * Reads a part's raw (still transfer-encoded) bytes into {@link #raw}, reused for every part
     * of the message and kept in the thread's scratch for later ones (sized from the message,
     * grown only if that was not known); beyond {@link #maxPartBytes} bytes the rest is skipped
     * and the part marked too large.
     */
    private void read(InputStream in) throws IOException {
      int n = 0;
      partTooLarge = false;
      while (true) {
        int limit = Math.min(raw.length, maxPartBytes); // the reused array may be larger than the cap
        if (n == limit) {
          if (n >= maxPartBytes) {
            partTooLarge = in.transferTo(OutputStream.nullOutputStream()) > 0;
            break;
          }
          raw = Arrays.copyOf(raw, Math.min(maxPartBytes, n * 2));
          scratch.raw(raw);
          limit = raw.length;
        }
        int r = in.read(raw, n, limit - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      rawLength = n;
    }

    void add(String prefix, TextFindings f) {
      f.forEachRuleCount((k, v) -> counts.merge(prefix + k, v, Integer::sum));
    }
  }

  private static String decodeHeader(Field field) {
    return DecoderUtil.decodeEncodedWords(MimeUtil.unfold(field.getBody()), DecodeMonitor.SILENT);
  }

}

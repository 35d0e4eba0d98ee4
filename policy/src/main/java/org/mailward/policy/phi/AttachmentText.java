package org.mailward.policy.phi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import javax.swing.text.BadLocationException;
import javax.swing.text.DefaultStyledDocument;
import javax.swing.text.rtf.RTFEditorKit;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.extractor.ExtractorFactory;
import org.apache.poi.extractor.POITextExtractor;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.util.IOUtils;

/**
 * Text of one attachment, for the scan: PDF (PDFBox, compressed streams included), Office Open XML
 * (DOCX, XLSX, PPTX) and legacy Office files (Apache POI), RTF (the JDK's RTF reader), and
 * text-like files sent as {@code application/octet-stream} or similar (CSV, ICS, TXT by name).
 * The kind comes from the content's first bytes, else the file name, else the MIME type.
 *
 * <p>Bounds. Extraction runs on the policy executor (never on an event loop), on bytes already
 * capped by the caller. Each extraction has a {@link Budget}: at most {@link Budget#maxChars}
 * characters of text and a deadline; the PDF text writer checks both on every write and stops
 * the extraction when either is passed. PDFBox keeps decoded streams in memory only, up to
 * {@value #PDF_MEMORY} bytes, the pages' content streams may inflate to {@value #PDF_CONTENT_MAX}
 * bytes together (a flate bomb fails there) and the stripper checks the deadline as it interprets
 * them; POI refuses ZIP entries that inflate
 * more than 100× or beyond {@value #ZIP_ENTRY_MAX} bytes (a zip-bombed DOCX fails there) and
 * records larger than {@value #POI_RECORD_MAX}. Whatever cannot be read yields an {@link Unreadable}
 * with the reason, never an exception.
 *
 * <p>POI's limits are process-wide settings of POI ({@link ZipSecureFile}, {@link IOUtils}); they are
 * set once, when this class loads, to the values above. Nothing here opens a file, a socket or a
 * URL: PDFBox and POI read only the bytes given.
 */
final class AttachmentText {
  static final long PDF_MEMORY = 64L << 20;
  static final long PDF_CONTENT_MAX = 32L << 20;
  static final long ZIP_ENTRY_MAX = 64L << 20;
  static final int POI_RECORD_MAX = 32 << 20;
  private static final int MAX_PDF_PAGES = 200;

  static {
    ZipSecureFile.setMinInflateRatio(0.01);
    ZipSecureFile.setMaxEntrySize(ZIP_ENTRY_MAX);
    IOUtils.setByteArrayMaxOverride(POI_RECORD_MAX);
  }

  private AttachmentText() {}

  /** What an extraction gave. */
  sealed interface Result permits Text, Unreadable {}

  /** The attachment's text. */
  record Text(String text) implements Result {}

  /** The attachment could not be read, and why. */
  record Unreadable(Reason reason) implements Result {}

  /** Why an attachment could not be read; named in the evidence as {@code attachment.unreadable.<reason>}. */
  enum Reason {
    /** A kind of file the detector does not read (images, archives, audio…). */
    UNSUPPORTED,
    /** Encrypted or password-protected. */
    ENCRYPTED,
    /** Larger than the attachment size cap. */
    TOO_LARGE,
    /** Its text exceeded the character cap or the message's time budget ran out. */
    BUDGET,
    /** Damaged, or a decompression bomb that the readers refused. */
    DAMAGED;

    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** The limits of one message's attachment extraction. */
  record Budget(long deadlineNanos, int maxChars) {
    boolean expired() {
      return System.nanoTime() - deadlineNanos > 0;
    }
  }

  /** Kinds of attachment by content. */
  enum Kind { PDF, OOXML, OLE2, RTF, TEXT, CALENDAR, UNSUPPORTED }

  static Kind kind(String mimeType, String fileName, byte[] b, int len) {
    String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
    String type = mimeType == null ? "" : mimeType.toLowerCase(Locale.ROOT);
    if (starts(b, len, "%PDF")) {
      return Kind.PDF;
    }
    if (starts(b, len, "PK\u0003\u0004")) {
      return name.endsWith(".docx") || name.endsWith(".xlsx") || name.endsWith(".pptx") || name.endsWith(".docm")
          || name.endsWith(".xlsm") || type.contains("openxmlformats") ? Kind.OOXML : Kind.UNSUPPORTED;
    }
    if (len >= 8 && (b[0] & 0xFF) == 0xD0 && (b[1] & 0xFF) == 0xCF && (b[2] & 0xFF) == 0x11 && (b[3] & 0xFF) == 0xE0) {
      return Kind.OLE2;
    }
    if (starts(b, len, "{\\rtf")) {
      return Kind.RTF;
    }
    if (name.endsWith(".ics") || name.endsWith(".vcs") || type.equals("text/calendar") || type.equals("application/ics")) {
      return Kind.CALENDAR;
    }
    if (name.endsWith(".csv") || name.endsWith(".txt") || name.endsWith(".tsv") || name.endsWith(".htm")
        || name.endsWith(".html") || name.endsWith(".xml") || name.endsWith(".json") || type.equals("application/csv")) {
      return Kind.TEXT;
    }
    return Kind.UNSUPPORTED;
  }

  /** Extracts the text of {@code len} bytes of {@code b} (already transfer-decoded). */
  static Result extract(Kind kind, byte[] b, int len, Budget budget) {
    if (budget.expired()) {
      return new Unreadable(Reason.BUDGET);
    }
    try {
      return switch (kind) { // an enum switch (patterns in switch are not Java 17)
        case PDF -> pdf(b, len, budget);
        case OOXML, OLE2 -> office(b, len, budget);
        case RTF -> rtf(b, len, budget);
        case TEXT -> new Text(Charsets.decode(b, len, null));
        case CALENDAR -> new Text(calendar(Charsets.decode(b, len, null)));
        case UNSUPPORTED -> new Unreadable(Reason.UNSUPPORTED);
      };
    } catch (BudgetExceeded e) {
      return new Unreadable(Reason.BUDGET);
    } catch (InvalidPasswordException e) {
      return new Unreadable(Reason.ENCRYPTED);
    } catch (IOException | RuntimeException | BadLocationException e) {
      return new Unreadable(encrypted(e) ? Reason.ENCRYPTED : Reason.DAMAGED);
    }
  }

  private static boolean encrypted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String name = t.getClass().getSimpleName();
      if (name.contains("Encrypted") || name.contains("Password")) {
        return true;
      }
    }
    return false;
  }

  private static Result pdf(byte[] b, int len, Budget budget) throws IOException {
    byte[] exact = len == b.length ? b : java.util.Arrays.copyOf(b, len);
    try (PDDocument doc = Loader.loadPDF(new RandomAccessReadBuffer(exact), "", null, null,
        MemoryUsageSetting.setupMainMemoryOnly(PDF_MEMORY).streamCache)) {
      contentWithinCap(doc);
      PDFTextStripper stripper = new BoundedStripper(budget);
      stripper.setEndPage(MAX_PDF_PAGES);
      BoundedWriter out = new BoundedWriter(budget);
      stripper.writeText(doc, out);
      return new Text(out.toString());
    }
  }

  /**
   * Inflates the pages' content streams once, counting, and stops at {@value #PDF_CONTENT_MAX}
   * bytes: a flate bomb (megabytes that inflate to gigabytes of drawing operators) is refused here,
   * before the text stripper would interpret every operator of it.
   */
  private static void contentWithinCap(PDDocument doc) throws IOException {
    long total = 0;
    byte[] buf = new byte[1 << 16];
    int pages = 0;
    for (PDPage page : doc.getPages()) {
      if (++pages > MAX_PDF_PAGES) {
        break;
      }
      try (InputStream in = page.getContents()) {
        for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
          total += r;
          if (total > PDF_CONTENT_MAX) {
            throw new BudgetExceeded();
          }
        }
      }
    }
  }

  private static Result office(byte[] b, int len, Budget budget) throws IOException {
    try (POITextExtractor extractor = ExtractorFactory.createExtractor(new ByteArrayInputStream(b, 0, len))) {
      String text = extractor.getText();
      if (budget.expired()) {
        return new Unreadable(Reason.BUDGET);
      }
      return new Text(text.length() > budget.maxChars() ? text.substring(0, budget.maxChars()) : text);
    }
  }

  private static Result rtf(byte[] b, int len, Budget budget) throws IOException, BadLocationException {
    DefaultStyledDocument doc = new DefaultStyledDocument();
    new RTFEditorKit().read(new StringReader(new String(b, 0, len, StandardCharsets.ISO_8859_1)), doc, 0);
    if (budget.expired()) {
      return new Unreadable(Reason.BUDGET);
    }
    return new Text(doc.getText(0, Math.min(doc.getLength(), budget.maxChars())));
  }

  /**
   * iCalendar text: folded lines joined (RFC 5545 3.1), the machine-only properties (UID, DTSTAMP,
   * PRODID, RRULE, time-zone rules… — identifiers and timestamps no person reads, which look like
   * labelled numbers) dropped, and escapes undone, so "DESCRIPTION:Patient: Jane\, …" reads as
   * written. SUMMARY, DESCRIPTION, LOCATION, ATTENDEE/ORGANIZER (with their CN), COMMENT, CONTACT,
   * X- properties and anything unknown are kept.
   */
  static String calendar(String ics) {
    String unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "").replace("\n ", "").replace("\n\t", "");
    StringBuilder kept = new StringBuilder(unfolded.length());
    for (String line : unfolded.split("\r?\n", -1)) {
      if (!MACHINE_PROPERTIES.contains(propertyName(line))) {
        kept.append(line).append('\n');
      }
    }
    return kept.toString().replace("\\n", "\n").replace("\\N", "\n").replace("\\,", ",").replace("\\;", ";")
        .replace("\\\\", "\\");
  }

  private static final java.util.Set<String> MACHINE_PROPERTIES = java.util.Set.of("BEGIN", "END", "VERSION", "PRODID",
      "METHOD", "CALSCALE", "UID", "DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "RRULE", "EXRULE", "EXDATE", "RDATE",
      "RECURRENCE-ID", "TZID", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME", "TZURL", "TRANSP", "STATUS", "PRIORITY", "CLASS",
      "ACTION", "TRIGGER", "REPEAT", "DURATION", "GEO", "URL", "ATTACH", "DTSTART", "DTEND", "DUE", "FREEBUSY");

  /** The property name of a content line ({@code DTSTART;TZID=…:…} → {@code DTSTART}), upper case. */
  private static String propertyName(String line) {
    int end = 0;
    while (end < line.length() && end < 40 && line.charAt(end) != ':' && line.charAt(end) != ';') {
      end++;
    }
    return end == line.length() || end == 40 ? "" : line.substring(0, end).toUpperCase(java.util.Locale.ROOT);
  }

  private static boolean starts(byte[] b, int len, String magic) {
    if (len < magic.length()) {
      return false;
    }
    for (int i = 0; i < magic.length(); i++) {
      if (b[i] != (byte) magic.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Checks the deadline every few thousand content-stream operators, so one heavy page cannot outlast the budget. */
  private static final class BoundedStripper extends PDFTextStripper {
    private final Budget budget;
    private int operators;

    BoundedStripper(Budget budget) {
      this.budget = budget;
    }

    @Override
    protected void processOperator(Operator operator, List<COSBase> operands) throws IOException {
      if ((++operators & 0xFFF) == 0 && budget.expired()) {
        throw new BudgetExceeded();
      }
      super.processOperator(operator, operands);
    }
  }

  /** Stops PDF text extraction at the character cap or the deadline (PDFBox writes text by the line). */
  private static final class BoundedWriter extends Writer {
    private final StringBuilder text = new StringBuilder();
    private final Budget budget;

    BoundedWriter(Budget budget) {
      this.budget = budget;
    }

    @Override
    public void write(char[] cbuf, int off, int len) {
      if (text.length() + len > budget.maxChars() || budget.expired()) {
        throw new BudgetExceeded();
      }
      text.append(cbuf, off, len);
    }

    @Override
    public void write(String s) {
      write(s.toCharArray(), 0, s.length());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public String toString() {
      return text.toString();
    }
  }

  /** Thrown by {@link BoundedWriter} to stop an extraction that exceeded its budget. */
  private static final class BudgetExceeded extends RuntimeException {
    BudgetExceeded() {
      super("attachment text budget exceeded", null, false, false);
    }
  }
}

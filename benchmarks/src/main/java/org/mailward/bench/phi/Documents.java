// Attachment files for the corpus, built byte by byte: a one-page PDF 1.4
// (Helvetica, WinAnsi text, content stream FlateDecode-compressed or plain, and
// optionally shown with TJ kerning arrays that split words as real PDF producers
// do), a minimal DOCX (OOXML zip whose runs may split a word, as Word's edit
// history does), CSV and iCalendar (RFC 5545 lines folded at 75 octets).
// PDFBox was rejected for the PDFs: its version on the benchmark class path would
// override the one the detector under test brings for its own extraction.
package org.mailward.bench.phi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

final class Documents {
  private Documents() {}

  /** A one-page PDF showing these lines. */
  static byte[] pdf(List<String> lines, boolean compressed, boolean kerned, Random r) {
    StringBuilder content = new StringBuilder("BT\n/F1 11 Tf\n14 TL\n72 740 Td\n");
    for (String line : lines) {
      if (kerned) {
        content.append('[');
        int i = 0;
        while (i < line.length()) {
          int n = Math.min(line.length() - i, 2 + r.nextInt(5));
          content.append('(').append(pdfString(line.substring(i, i + n))).append(')');
          i += n;
          if (i < line.length()) {
            content.append(' ').append(-(5 + r.nextInt(40))).append(' ');
          }
        }
        content.append("] TJ T*\n");
      } else {
        content.append('(').append(pdfString(line)).append(") Tj T*\n");
      }
    }
    content.append("ET\n");
    byte[] stream = content.toString().getBytes(StandardCharsets.ISO_8859_1);
    String filter = "";
    if (compressed) {
      stream = deflate(stream);
      filter = " /Filter /FlateDecode";
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Integer> offsets = new ArrayList<>();
    ascii(out, "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
    String[] objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    };
    for (int i = 0; i < objects.length; i++) {
      offsets.add(out.size());
      ascii(out, (i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n");
    }
    offsets.add(out.size());
    ascii(out, "5 0 obj\n<< /Length " + stream.length + filter + " >>\nstream\n");
    out.writeBytes(stream);
    ascii(out, "\nendstream\nendobj\n");
    offsets.add(out.size());
    ascii(out, "6 0 obj\n<< /Producer (Mailward corpus) /Title (Document) >>\nendobj\n");
    int xref = out.size();
    StringBuilder x = new StringBuilder("xref\n0 7\n0000000000 65535 f \n");
    for (int off : offsets) {
      x.append(String.format("%010d 00000 n \n", off));
    }
    x.append("trailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
    ascii(out, x.toString());
    return out.toByteArray();
  }

  private static String pdfString(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '(' || c == ')' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 32 || c > 255) {
        sb.append('?');
      } else if (c > 126) {
        sb.append(String.format("\\%03o", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static byte[] deflate(byte[] in) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
    d.setInput(in);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  private static void ascii(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** A DOCX with one paragraph per line; with {@code splitRuns}, words are cut across runs. */
  static byte[] docx(List<String> paragraphs, boolean splitRuns, Random r) {
    StringBuilder body = new StringBuilder();
    for (String p : paragraphs) {
      body.append("<w:p>");
      if (splitRuns) {
        int i = 0;
        while (i < p.length()) {
          int n = Math.min(p.length() - i, 3 + r.nextInt(8));
          body.append(run(p.substring(i, i + n)));
          i += n;
        }
      } else {
        body.append(run(p));
      }
      body.append("</w:p>");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      entry(zip, "[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
          + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
          + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
          + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
          + "<Override PartName=\"/word/document.xml\" "
          + "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>");
      entry(zip, "_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
          + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          + "<Relationship Id=\"rId1\" "
          + "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
          + "Target=\"word/document.xml\"/></Relationships>");
      entry(zip, "word/document.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
          + "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
          + body + "<w:sectPr/></w:body></w:document>");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String run(String text) {
    return "<w:r><w:t xml:space=\"preserve\">" + Evasions.htmlEscape(text) + "</w:t></w:r>";
  }

  private static void entry(ZipOutputStream zip, String name, String xml) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setTime(0L);
    zip.putNextEntry(e);
    zip.write(xml.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }

  /** CSV (RFC 4180): a header row and records; fields with commas or quotes are quoted. */
  static String csv(List<String> header, List<List<String>> rows) {
    StringBuilder sb = new StringBuilder(String.join(",", header)).append("\r\n");
    for (List<String> row : rows) {
      List<String> cells = new ArrayList<>();
      for (String c : row) {
        cells.add(c.contains(",") || c.contains("\"") ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
      }
      sb.append(String.join(",", cells)).append("\r\n");
    }
    return sb.toString();
  }

  /** One VEVENT in a VCALENDAR; property lines folded at 75 octets (RFC 5545 3.1). */
  static String ics(String uid, String start, String end, String summary, String location, String description,
      String attendeeName) {
    List<String> lines = new ArrayList<>(List.of("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Mailward corpus//EN",
        "METHOD:REQUEST", "BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20260301T120000Z", "DTSTART:" + start, "DTEND:" + end,
        "SUMMARY:" + icsText(summary), "LOCATION:" + icsText(location), "DESCRIPTION:" + icsText(description)));
    if (attendeeName != null) {
      lines.add("ATTENDEE;CN=\"" + attendeeName + "\";ROLE=REQ-PARTICIPANT:mailto:patient@example.org");
    }
    lines.addAll(List.of("END:VEVENT", "END:VCALENDAR"));
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      sb.append(fold(l));
    }
    return sb.toString();
  }

  private static String icsText(String s) {
    return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n");
  }

  private static String fold(String line) {
    StringBuilder sb = new StringBuilder();
    int octets = 0;
    for (int i = 0; i < line.length(); ) {
      int cp = line.codePointAt(i);
      int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (octets + len > 75) {
        sb.append("\r\n ");
        octets = 1;
      }
      sb.appendCodePoint(cp);
      octets += len;
      i += Character.charCount(cp);
    }
    return sb.append("\r\n").toString();
  }
}

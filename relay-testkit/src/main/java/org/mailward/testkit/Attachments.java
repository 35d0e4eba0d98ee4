package org.mailward.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/**
 * Attachment fixtures a test makes itself — real PDF, DOCX and XLSX files (PDFBox, POI) and hostile
 * ones (a PDF bomb, a ZIP bomb) — and a message around one: for policy's PHI tests and the relay's.
 * PDFBox and POI are optional dependencies of relay-testkit: a module that calls these has them
 * (policy does, and relay-app through it). Does not: write files, or carry real patient data.
 */
public final class Attachments {
  private Attachments() {}

  /** A PDF whose page shows {@code lines} (PDFBox compresses the content stream with FlateDecode). */
  public static byte[] pdf(String... lines) {
    return lockedPdf(null, lines);
  }

  /** As {@link #pdf(String...)}, encrypted with a user password when {@code password} is not null. */
  public static byte[] lockedPdf(String password, String... lines) {
    try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDPage page = new PDPage();
      doc.addPage(page);
      try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
        cs.beginText();
        cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 11);
        cs.setLeading(14);
        cs.newLineAtOffset(50, 700);
        for (String line : lines) {
          cs.showText(line);
          cs.newLine();
        }
        cs.endText();
      }
      if (password != null) {
        StandardProtectionPolicy p = new StandardProtectionPolicy(password + "-owner", password, new AccessPermission());
        p.setEncryptionKeyLength(128);
        doc.protect(p);
      }
      doc.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] docx(String... paragraphs) {
    try (XWPFDocument doc = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      for (String p : paragraphs) {
        doc.createParagraph().createRun().setText(p);
      }
      doc.write(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] xlsx(String[]... rows) {
    try (XSSFWorkbook wb = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      var sheet = wb.createSheet("patients");
      for (int r = 0; r < rows.length; r++) {
        var row = sheet.createRow(r);
        for (int c = 0; c < rows[r].length; c++) {
          row.createCell(c).setCellValue(rows[r][c]);
        }
      }
      wb.write(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A PDF bomb: one page whose FlateDecode content stream inflates to {@code inflatedBytes} of text
   * operators from a few hundred kilobytes.
   */
  public static byte[] pdfBomb(int inflatedBytes) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    byte[] chunk = "BT /F1 12 Tf 72 712 Td (Jane) Tj ET\n".repeat(4096).getBytes(StandardCharsets.US_ASCII);
    byte[] buf = new byte[1 << 16];
    for (long done = 0; done < inflatedBytes; done += chunk.length) {
      deflater.setInput(chunk);
      while (!deflater.needsInput()) {
        compressed.write(buf, 0, deflater.deflate(buf));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      compressed.write(buf, 0, deflater.deflate(buf));
    }
    byte[] stream = compressed.toByteArray();
    ByteArrayOutputStream pdf = new ByteArrayOutputStream();
    pdf.writeBytes(("%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
        + "3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
        + "/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>>> endobj\n"
        + "4 0 obj <</Length " + stream.length + "/Filter/FlateDecode>> stream\n").getBytes(StandardCharsets.US_ASCII));
    pdf.writeBytes(stream);
    pdf.writeBytes("\nendstream endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII));
    return pdf.toByteArray();
  }

  /** A DOCX-named ZIP whose document.xml inflates a thousand-fold to {@code inflatedBytes}. */
  public static byte[] zipBombDocx(int inflatedBytes) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setLevel(Deflater.BEST_COMPRESSION);
      zip.putNextEntry(new ZipEntry("[Content_Types].xml"));
      zip.write(("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
          + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
          + "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument"
          + ".wordprocessingml.document.main+xml\"/></Types>").getBytes(StandardCharsets.US_ASCII));
      zip.putNextEntry(new ZipEntry("word/document.xml"));
      zip.write("<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>"
          .getBytes(StandardCharsets.US_ASCII));
      byte[] filler = new byte[1 << 16];
      java.util.Arrays.fill(filler, (byte) 'a');
      for (int done = 0; done < inflatedBytes; done += filler.length) {
        zip.write(filler);
      }
      zip.write("</w:t></w:r></w:p></w:body></w:document>".getBytes(StandardCharsets.US_ASCII));
      zip.closeEntry();
      zip.finish();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A multipart/mixed message: a clean text part and one base64 attachment. */
  public static byte[] message(String subject, String text, String type, String fileName, byte[] attachment) {
    String b64 = Base64.getMimeEncoder().encodeToString(attachment);
    return ("From: \"Lakeside Cardiology\" <news@lakeside.example>\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text
        + "\r\n--b1\r\nContent-Type: " + type + (fileName == null ? "" : "; name=\"" + fileName + "\"")
        + "\r\nContent-Disposition: attachment" + (fileName == null ? "" : "; filename=\"" + fileName + "\"")
        + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n--b1--\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}

// PHI scan of a message carrying a 5 MB PDF: a short HTML body and a referral PDF of 12 pages of
// Flate-compressed text with one 4.7 MB scanned-page image (noise, so it does not compress), sent
// base64 as an ESP would. The whole detector: mime4j parse, base64 decoding of 6.8 MB, PDFBox
// text extraction within the attachment budgets, scan. The score is ms per message (average time);
// it is the cost the policy executor pays for such a message, not an event-loop cost. The message
// is scanned by PhiDetector directly: through the policy engine the default 4 MB body budget
// (policy.phiScan.bodyBytes) would cut the PDF and report it unreadable instead.
package org.mailward.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.mailward.policy.PolicyConfig;
import org.mailward.policy.phi.HealthDictionary;
import org.mailward.policy.phi.PhiDetector;
import org.mailward.policy.phi.PhiReport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class PhiAttachmentBenchmark {
  static final int PAGES = 12;
  PhiDetector detector;
  byte[] message;

  @Setup
  public void setUp() throws IOException {
    detector = new PhiDetector(HealthDictionary.bundled(), PolicyConfig.PhiPolicy.defaults());
    byte[] pdf = referralPdf();
    String html = "<html><body><p>Please find the referral attached.</p></body></html>";
    String head = "From: \"Harbor Clinic\" <referrals@harbor.example>\r\nSubject: Referral\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
        + "\r\n--b1\r\nContent-Type: application/pdf; name=\"referral.pdf\"\r\nContent-Disposition: attachment; "
        + "filename=\"referral.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream(pdf.length * 4 / 3 + 4096);
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(Base64.getMimeEncoder().encode(pdf));
    out.writeBytes("\r\n--b1--\r\n".getBytes(StandardCharsets.US_ASCII));
    message = out.toByteArray();
    PhiReport check = scanMessageWithA5MbPdf();
    if (!check.bodyPhi() || check.opaqueAttachments() != 0) {
      throw new IllegalStateException("the benchmark PDF was not read as PHI: " + check.counts());
    }
  }

  /** About 5 MB: {@value #PAGES} pages of referral text, the first with a noise image of 1,250 x 1,250 pixels. */
  static byte[] referralPdf() throws IOException {
    try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      Random random = new Random(7);
      BufferedImage noise = new BufferedImage(1250, 1250, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < noise.getHeight(); y++) {
        for (int x = 0; x < noise.getWidth(); x++) {
          noise.setRGB(x, y, random.nextInt(1 << 24));
        }
      }
      PDImageXObject image = LosslessFactory.createFromImage(doc, noise);
      String[] lines = PolicyBenchData.text(12 * 1024).split("\n");
      int next = 0;
      for (int p = 0; p < PAGES; p++) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
          if (p == 0) {
            cs.drawImage(image, 50, 350, 300, 300);
          }
          cs.beginText();
          cs.setFont(font, 9);
          cs.newLineAtOffset(50, 740);
          cs.showText(p == 0 ? "Referral. Patient: Ottoline Brackenridge, DOB 04/12/1951, diagnosis: asthma." : "Referral, continued.");
          for (int l = 0; l < 30; l++) {
            cs.newLineAtOffset(0, -11);
            String line = lines[next++ % lines.length];
            cs.showText(line.substring(0, Math.min(110, line.length())));
          }
          cs.endText();
        }
      }
      doc.save(out);
      return out.toByteArray();
    }
  }

  @Benchmark
  public PhiReport scanMessageWithA5MbPdf() {
    return detector.scan(new ByteArrayInputStream(message), false);
  }
}

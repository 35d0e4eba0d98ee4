package org.mailward.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.mailward.policy.PolicyConfig;
import org.mailward.policy.phi.HealthDictionary;
import org.mailward.policy.phi.PhiDetector;
import org.mailward.policy.phi.PhiReport;

/** The generated marketing message: size, line discipline and dot-stuffing. */
class MarketingMessageTest {

  @Test
  void sixtyKilobyteMessage_isWithinFivePercentOfTheRequestedSize() {
    MarketingMessage m = MarketingMessage.ofSize(60 * 1024, "clinic.example");
    int total = m.body().length + m.headers(1, "a@clinic.example", "p1@patients.example").length;
    assertThat(total).isBetween(60 * 1024 * 95 / 100, 60 * 1024 * 105 / 100);
  }

  @Test
  void everyLine_isCrlfTerminated_shortAndDotStuffed() {
    String body = new String(MarketingMessage.ofSize(16 * 1024, "clinic.example").body(), StandardCharsets.UTF_8);
    assertThat(body).endsWith("\r\n").doesNotContain("\r\n.\r\n");
    assertThat(body.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    for (String line : body.split("\r\n")) {
      assertThat(line.length()).isLessThanOrEqualTo(998);
      if (line.startsWith(".")) {
        assertThat(line).startsWith("..");
      }
    }
    assertThat(body).contains("..btn {").contains("text/html").contains("List-Unsubscribe");
  }

  @Test
  void attachedBrochure_isAReadablePdfOfAboutTheRequestedSize_andThePhiScanPassesTheMessage() throws Exception {
    MarketingMessage m = MarketingMessage.withAttachment(60 * 1024, "clinic.example", BrochurePdf.ofSize(512 * 1024));
    String body = new String(m.body(), StandardCharsets.US_ASCII);
    assertThat(body).contains("multipart/mixed").contains("Content-Type: application/pdf").endsWith("--\r\n");
    String b64 = body.substring(body.indexOf("base64\r\n\r\n") + 10, body.lastIndexOf("\r\n--"));
    byte[] pdf = Base64.getMimeDecoder().decode(b64);
    assertThat(pdf.length).isBetween(512 * 1024 * 90 / 100, 512 * 1024 * 110 / 100);
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      assertThat(doc.getNumberOfPages()).isEqualTo(2);
      assertThat(new PDFTextStripper().getText(doc)).contains("Spring wellness guide");
    }
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    whole.writeBytes(m.headers(1, "news@clinic.example", "p1@patients.example"));
    whole.writeBytes(m.body());
    PhiReport report = new PhiDetector(HealthDictionary.bundled(), PolicyConfig.PhiPolicy.defaults())
        .scan(new ByteArrayInputStream(whole.toByteArray()), false);
    assertThat(report.bodyPhi()).as("PHI found: %s", report.counts()).isFalse();
    assertThat(report.opaqueAttachments()).isZero();
  }
}

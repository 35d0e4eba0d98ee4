package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.testkit.PostfixEsp;
import org.mailward.testkit.TestResources;

/**
 * Issue 14's field case through the README's set-up ({@link EspPath}): swaks gives a
 * private Postfix ESP a message with a 10 MiB PDF-like attachment (13.7 MB in
 * base64); Postfix relays it to Mailward (relayhost, SASL over STARTTLS), which
 * DKIM-signs it and delivers it over verified STARTTLS to aiosmtpd. The receiver
 * gets it once, the decoded attachment has the SHA-256 of the file sent, and
 * Debian's dkimverify passes on the message as received. It does not bound the
 * relay's heap (LargeDeliveryIT does, without Postfix).
 */
class EspLargeAttachmentIT {
  private static final int ATTACHMENT_BYTES = 10 * 1024 * 1024;
  @TempDir Path dir;

  @Test
  void aTenMegabyteAttachment_fromAPostfixEsp_arrivesOnce_byteIdentical_andDkimVerifies() throws Exception {
    Assumptions.assumeTrue(PostfixEsp.available(), "postfix is installed by .ci/run");
    Path pdf = dir.resolve("report.pdf");
    String sentSha = writePdfLike(pdf, ATTACHMENT_BYTES, 14);
    try (EspPath path = EspPath.start(dir)) {
      path.submit("--from", "news@clinic.example", "--to", "lab@patients.test", "--header", "Subject: Your lab report",
          "--body", "Your lab report is attached.", "--attach-type", "application/pdf", "--attach-name", "report.pdf",
          "--attach", "@" + pdf);

      path.awaitMessages(1, Duration.ofSeconds(300));
      Thread.sleep(3_000); // a second copy would show up now
      var received = path.receiver.messages();
      assertThat(received).as("copies received").hasSize(1);
      String delivered = received.get(0);
      assertThat(delivered).contains("X-Test-TLS: yes").contains("X-Test-Rcpt: lab@patients.test");
      String message = EspPath.asReceived(delivered);
      assertThat(message).startsWith("DKIM-Signature:").contains("d=clinic.example").contains("s=s2026");
      assertThat(decodedAttachmentSha256(message, "report.pdf")).as("SHA-256 of the decoded attachment").isEqualTo(sentSha);
      assertThat(TestResources.dkimVerify(message, path.dkim.dnsRecord(), dir)).as("dkimverify").contains("pass");
      assertThat(path.esp.queue()).as("the ESP's queue").contains("Mail queue is empty");
    }
  }

  /** Writes {@code size} bytes that start like a PDF and are random after; returns their SHA-256 (hex). */
  private static String writePdfLike(Path file, int size, long seed) throws IOException {
    MessageDigest sha = LargeMail.sha256();
    byte[] head = "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] buf = new byte[64 * 1024];
    Random random = new Random(seed);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(head);
      sha.update(head);
      for (int left = size - head.length; left > 0; left -= buf.length) {
        random.nextBytes(buf);
        int n = Math.min(left, buf.length);
        out.write(buf, 0, n);
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** SHA-256 (hex) of the base64 part whose headers name {@code filename}, decoded line by line. */
  private static String decodedAttachmentSha256(String message, String filename) throws IOException {
    MessageDigest sha = LargeMail.sha256();
    Base64.Decoder b64 = Base64.getMimeDecoder();
    boolean named = false;
    boolean inBody = false;
    long decoded = 0;
    try (BufferedReader lines = new BufferedReader(new java.io.StringReader(message))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (inBody) {
          if (line.startsWith("--")) {
            break;
          }
          byte[] bytes = b64.decode(line);
          sha.update(bytes);
          decoded += bytes.length;
        } else if (line.contains("name=\"" + filename + "\"") || line.contains("name=" + filename)) {
          named = true;
        } else if (named && line.isEmpty()) {
          inBody = true;
        }
      }
    }
    assertThat(named).as("a part named " + filename).isTrue();
    assertThat(decoded).as("decoded attachment bytes").isEqualTo(ATTACHMENT_BYTES);
    return HexFormat.of().formatHex(sha.digest());
  }
}

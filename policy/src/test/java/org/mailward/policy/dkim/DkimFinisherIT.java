package org.mailward.policy.dkim;

import org.mailward.testkit.DkimTestKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.BodySource;
import org.mailward.api.MessageFinisher;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.HeaderEdit;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.SecurityLevel;
import org.mailward.api.TenantId;
import org.mailward.api.TlsFallback;

/** Signs with both key types and has Debian's dkimpy verify the output, as a receiver would. */
class DkimFinisherIT {
  static final TenantId TENANT = new TenantId("clinic");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-01T10:00:00Z"), ZoneOffset.UTC);
  static final String MESSAGE = "From: Clinic News <news@clinic.example>\r\nTo: pat@example.net\r\n"
      + "Subject:   Spring   newsletter \r\n\tfolded\r\nX-Mailward-Purpose: marketing\r\nDate: Sun, 1 Nov 2026 10:00:00 +0000\r\n"
      + "Message-ID: <1@clinic.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
      + "Hello  there,\t \r\n\r\nTrailing spaces here   \r\nline without end\r\n\r\n\r\n";

  @TempDir Path dir;

  @Test
  void rsaSignedMessage_withHeaderEdits_verifiesWithDkimpy() throws Exception {
    assertVerifies(DkimKey.load(DkimTestKeys.rsa(dir), DkimTestKeys.PASSPHRASE.toCharArray()));
  }

  @Test
  void ed25519SignedMessage_withHeaderEdits_verifiesWithDkimpy() throws Exception {
    assertVerifies(DkimKey.load(DkimTestKeys.ed25519(dir), DkimTestKeys.PASSPHRASE.toCharArray()));
  }

  @Test
  void rsaSignedThroughBouncyCastle_verifiesToo() throws Exception {
    DkimKey.Rsa key = (DkimKey.Rsa) DkimKey.load(DkimTestKeys.rsa(dir), DkimTestKeys.PASSPHRASE.toCharArray());
    assertVerifies(key.withProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()));
  }

  @Test
  void plaintextKeyFile_isRefused() throws Exception {
    Path plain = dir.resolve("plain.pem");
    Files.writeString(plain, "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+8Y0n0uT6k8h3rS3o8F8eCzJ3mWd0qY0bq2v2yFQ8e\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> DkimKey.load(plain, "x".toCharArray())).hasMessageContaining("encrypted PKCS#8");
  }

  @Test
  void wrongPassphrase_isRefused() throws Exception {
    Path pem = DkimTestKeys.ed25519(dir);
    assertThatThrownBy(() -> DkimKey.load(pem, "wrong".toCharArray())).isInstanceOf(IOException.class);
  }

  @Test
  void unsignedEnvelope_getsEditsOnly_andTheBodyIsUntouched() throws Exception {
    DkimFinisher finisher = new DkimFinisher(Map.of());
    String out = finish(finisher, envelope(false));
    assertThat(out).doesNotContain("DKIM-Signature").doesNotContain("X-Mailward-Purpose")
        .startsWith("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
        .endsWith("Hello  there,\t \r\n\r\nTrailing spaces here   \r\nline without end\r\n\r\n\r\n");
  }

  private void assertVerifies(DkimKey key) throws Exception {
    DkimSigner signer = new DkimSigner("clinic.example", "mw1", key, CLOCK);
    DkimFinisher finisher = new DkimFinisher(Map.of(TENANT, signer));
    String signed = finish(finisher, envelope(true));
    assertThat(signed).startsWith("DKIM-Signature: v=1; a=" + key.algorithm());
    assertThat(signed).contains("h=from:from:to:subject:subject:date:message-id:mime-version:content-type:"
        + "list-unsubscribe:list-unsubscribe-post;");
    assertThat(verify(signed, signer.dnsRecord())).isZero();
    String tampered = signed.replace("Trailing spaces", "Trailing spices");
    assertThat(verify(tampered, signer.dnsRecord())).isNotZero();
  }

  private static Envelope envelope(boolean sign) {
    List<HeaderEdit> edits = List.of(
        new HeaderEdit.Remove("X-Mailward-Purpose"),
        new HeaderEdit.Replace("List-Unsubscribe", "<https://u.example/u/TOKEN>"),
        new HeaderEdit.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
    return new Envelope(MessageId.generate(CLOCK.millis(), new java.util.Random(1)), TENANT, Optional.empty(),
        MailParameters.defaults(), List.of(Recipient.of(EmailAddress.parse("pat@example.net", false).orElseThrow())),
        Purpose.MARKETING, SecurityLevel.ENCRYPT, TlsFallback.DEFER, edits, sign, CLOCK.instant(), "s1");
  }

  private static String finish(DkimFinisher finisher, Envelope envelope) throws IOException {
    AtomicInteger opens = new AtomicInteger();
    AtomicInteger closes = new AtomicInteger();
    byte[] bytes = MESSAGE.getBytes(StandardCharsets.UTF_8);
    BodySource body = new BodySource() {
      @Override
      public InputStream open() {
        opens.incrementAndGet();
        return new java.io.FilterInputStream(new ByteArrayInputStream(bytes)) {
          @Override
          public void close() {
            closes.incrementAndGet();
          }
        };
      }

      @Override
      public long size() {
        return bytes.length;
      }
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    try (MessageFinisher.Prepared prepared = finisher.prepare(envelope, body)) {
      prepared.writeTo(out);
      assertThat(opens.get()).as("signed: hash pass + write pass; unsigned: one pass").isEqualTo(envelope.dkimSign() ? 2 : 1);
      prepared.writeTo(again);
    }
    assertThat(again.toByteArray()).as("a second write (another MX) sends the same bytes").isEqualTo(out.toByteArray());
    assertThat(closes.get()).as("every stream opened is closed").isEqualTo(opens.get());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int verify(String message, String record) throws Exception {
    Path script = org.mailward.testkit.TestResources.extract("dkimverify.py", java.nio.file.Files.createTempDirectory("dkim"));
    Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), record).redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(message.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    System.out.println(output.strip());
    return p.exitValue();
  }
}

package org.mailward.policy.phi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailward.policy.PolicyConfig.PhiPolicy;
import org.mailward.policy.phi.AttachmentText.Budget;
import org.mailward.policy.phi.AttachmentText.Kind;
import org.mailward.policy.phi.AttachmentText.Reason;
import org.mailward.testkit.Attachments;

/**
 * Attachments: text read from real PDF, DOCX, XLSX, CSV, ICS and RTF files (made here), PHI in
 * them found, and hostile or unreadable files turned into a verdict. The {@code @Timeout}s are
 * hang guards, far above what the work takes.
 */
class AttachmentTextTest {
  private final PhiDetector detector = new PhiDetector(HealthDictionary.bundled(), PhiPolicy.defaults());
  private static final String[] REFERRAL = {"Referral for Patient: Ottoline Brackenridge", "Date of birth: 04/12/1951",
      "Diagnosis: congestive heart failure, MRN 58213377"};

  private static Budget generous() {
    return new Budget(System.nanoTime() + TimeUnit.SECONDS.toNanos(60), 1 << 20);
  }

  private PhiReport scan(byte[] message) {
    return detector.scan(new ByteArrayInputStream(message), false);
  }

  private static String text(AttachmentText.Result r) {
    assertThat(r).isInstanceOf(AttachmentText.Text.class);
    return ((AttachmentText.Text) r).text();
  }

  @Test
  void pdfWithACompressedContentStream_isRead_andItsPhiFound() {
    byte[] pdf = Attachments.pdf(REFERRAL);
    assertThat(AttachmentText.kind("application/octet-stream", "x.bin", pdf, pdf.length)).isEqualTo(Kind.PDF);
    assertThat(text(AttachmentText.extract(Kind.PDF, pdf, pdf.length, generous()))).contains("Ottoline Brackenridge");
    PhiReport r = scan(Attachments.message("Your documents", "See the attachment.", "application/pdf", "referral.pdf", pdf));
    assertThat(r.subjectPhi()).isFalse();
    assertThat(r.bodyPhi()).isTrue();
    assertThat(r.opaqueAttachments()).isZero();
    assertThat(r.evidence()).allMatch(e -> e.where().startsWith("attachment"));
  }

  @Test
  void docxAndXlsx_areRead_andTheirPhiFound() {
    byte[] docx = Attachments.docx(REFERRAL);
    assertThat(scan(Attachments.message("Docs", "Attached.", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "referral.docx", docx)).bodyPhi()).isTrue();
    byte[] xlsx = Attachments.xlsx(new String[] {"Patient name", "DOB", "Diagnosis"},
        new String[] {"Patient: Ottoline Brackenridge", "DOB 04/12/1951", "asthma"});
    assertThat(text(AttachmentText.extract(Kind.OOXML, xlsx, xlsx.length, generous()))).contains("Brackenridge");
    assertThat(scan(Attachments.message("Docs", "Attached.", "application/octet-stream", "list.xlsx", xlsx)).bodyPhi()).isTrue();
  }

  @Test
  void aCalendarsMachineProperties_areDropped_soItsStampsAndIdsAreNotLabelledNumbers() {
    String ics = "BEGIN:VCALENDAR\r\nPRODID:-//Harbor Rx//EN\r\nBEGIN:VEVENT\r\nUID:talk-0009@harbor-rx.example\r\n"
        + "DTSTAMP:20260301T120000Z\r\nSUMMARY:Talk: living well with arthritis\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    String text = AttachmentText.calendar(ics);
    assertThat(text).contains("SUMMARY:Talk: living well with arthritis").doesNotContain("20260301T120000Z")
        .doesNotContain("talk-0009").doesNotContain("PRODID");
    assertThat(scan(Attachments.message("Invite", "Join us.", "text/calendar", "talk.ics", ics.getBytes(StandardCharsets.UTF_8)))
        .bodyPhi()).isFalse();
  }

  @Test
  void csvIcsAndRtf_areRead_whateverTheirDeclaredType() {
    byte[] csv = "patient,dob,condition\nPatient: Ottoline Brackenridge,DOB 04/12/1951,asthma\n".getBytes(StandardCharsets.UTF_8);
    assertThat(scan(Attachments.message("List", "Attached.", "application/octet-stream", "patients.csv", csv)).bodyPhi()).isTrue();
    byte[] ics = ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20250612T090000Z\r\nSUMMARY:Cardiology follow-up for Ottoline Bracken\r\n"
        + " ridge\r\nDESCRIPTION:Patient: Ottoline Brackenridge\\, MRN 58213377\\nBring your medication list.\r\nEND:VEVENT\r\n"
        + "END:VCALENDAR\r\n").getBytes(StandardCharsets.UTF_8);
    assertThat(text(AttachmentText.extract(Kind.CALENDAR, ics, ics.length, generous())))
        .contains("Ottoline Brackenridge").contains("Patient: Ottoline Brackenridge, MRN 58213377");
    assertThat(scan(Attachments.message("Invite", "Attached.", "application/ics", "invite.ics", ics)).bodyPhi()).isTrue();
    assertThat(scan(Attachments.message("Invite", "Attached.", "text/calendar", "invite.ics", ics)).bodyPhi()).isTrue();
    byte[] rtf = "{\\rtf1\\ansi{\\fonttbl\\f0\\fswiss Helvetica;}\\f0 Patient: Ottoline Brackenridge\\par Diagnosis: asthma\\par}"
        .getBytes(StandardCharsets.US_ASCII);
    assertThat(text(AttachmentText.extract(Kind.RTF, rtf, rtf.length, generous()))).contains("Ottoline Brackenridge");
    assertThat(scan(Attachments.message("Letter", "Attached.", "application/rtf", "letter.rtf", rtf)).bodyPhi()).isTrue();
  }

  @Test
  void aCleanBrochurePdf_isReadAndNotPhi() {
    byte[] pdf = Attachments.pdf("Spring open house", "Free blood pressure checks every Tuesday.", "Call 207-555-0121.");
    PhiReport r = scan(Attachments.message("Open house", "Our brochure.", "application/pdf", "brochure.pdf", pdf));
    assertThat(r.bodyPhi()).isFalse();
    assertThat(r.counts()).containsEntry("attachment.read", 1);
  }

  @Test
  void anEncryptedPdf_anImage_andADamagedFile_areUnreadable_withTheirReason() {
    byte[] locked = Attachments.lockedPdf("secret", REFERRAL);
    assertThat(AttachmentText.extract(Kind.PDF, locked, locked.length, generous()))
        .isEqualTo(new AttachmentText.Unreadable(Reason.ENCRYPTED));
    PhiReport r = scan(Attachments.message("Docs", "Attached.", "application/pdf", "locked.pdf", locked));
    assertThat(r.opaqueAttachments()).isEqualTo(1);
    assertThat(r.counts()).containsEntry("attachment.unreadable.encrypted", 1);
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0};
    assertThat(scan(Attachments.message("Logo", "Hi.", "image/png", "logo.png", png)).counts())
        .containsEntry("attachment.unreadable.unsupported", 1);
    byte[] damaged = "%PDF-1.7\n1 0 obj <<".getBytes(StandardCharsets.US_ASCII);
    assertThat(AttachmentText.extract(Kind.PDF, damaged, damaged.length, generous())).isInstanceOf(AttachmentText.Unreadable.class);
  }

  @Test
  void anExpiredBudget_orTooMuchText_yieldsTheBudgetVerdict() {
    byte[] pdf = Attachments.pdf(REFERRAL);
    assertThat(AttachmentText.extract(Kind.PDF, pdf, pdf.length, new Budget(System.nanoTime() - 1, 1 << 20)))
        .isEqualTo(new AttachmentText.Unreadable(Reason.BUDGET));
    assertThat(AttachmentText.extract(Kind.PDF, pdf, pdf.length, new Budget(System.nanoTime() + TimeUnit.SECONDS.toNanos(60), 20)))
        .isEqualTo(new AttachmentText.Unreadable(Reason.BUDGET));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aPdfBomb_yieldsAVerdict_insteadOfExhaustingMemory() {
    byte[] bomb = Attachments.pdfBomb(200 << 20); // 200 MB of content stream from well under a megabyte
    assertThat(bomb.length).isLessThan(4 << 20);
    PhiReport r = scan(Attachments.message("Docs", "Attached.", "application/pdf", "bomb.pdf", bomb));
    assertThat(r.opaqueAttachments()).isEqualTo(1);
    assertThat(r.counts()).containsEntry("attachment.unreadable.budget", 1);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aZipBombedDocx_yieldsAVerdict() {
    byte[] bomb = Attachments.zipBombDocx(200 << 20);
    assertThat(bomb.length).isLessThan(2 << 20);
    PhiReport r = scan(Attachments.message("Docs", "Attached.", "application/octet-stream", "bomb.docx", bomb));
    assertThat(r.opaqueAttachments()).isEqualTo(1);
    assertThat(r.counts()).containsEntry("attachment.unreadable.damaged", 1);
  }

  @Test
  void anAttachmentCutOffByTheBodyScanBudget_isReportedTooLarge_notHandedToTheReader() {
    byte[] pdf = Attachments.pdf(REFERRAL);
    byte[] message = Attachments.message("Your documents", "See the attachment.", "application/pdf", "referral.pdf", pdf);
    // what the scan keeps of a body larger than its budget: the message cut inside the attachment
    int cutAt = new String(message, StandardCharsets.ISO_8859_1).indexOf("JVBER") + 200; // base64 of "%PDF"
    byte[] kept = java.util.Arrays.copyOf(message, cutAt);
    PhiReport cut = detector.scan(new ByteArrayInputStream(kept), true);
    assertThat(cut.counts()).containsEntry("attachment.unreadable.too-large", 1).doesNotContainKey("attachment.read");
    assertThat(cut.opaqueAttachments()).isEqualTo(1);
    assertThat(cut.truncated()).isTrue();
    // the whole message, not truncated: the same attachment is read
    assertThat(scan(message).counts()).containsEntry("attachment.read", 1);
  }

  @Test
  void theConfiguredPartCap_decidesWhatIsTooLarge() {
    byte[] csv = ("patient,dob,condition\n" + "Patient: Ottoline Brackenridge,DOB 04/12/1951,asthma\n".repeat(800))
        .getBytes(StandardCharsets.UTF_8); // about 42 KB
    byte[] message = Attachments.message("List", "Attached.", "application/octet-stream", "patients.csv", csv);
    PhiDetector small = new PhiDetector(HealthDictionary.bundled(), PhiPolicy.defaults(), new ScanBuffers(),
        new org.mailward.policy.PolicyConfig.ExtractionLimits(16 << 10, java.time.Duration.ofSeconds(5)));
    PhiReport capped = small.scan(new ByteArrayInputStream(message), false);
    assertThat(capped.counts()).containsEntry("attachment.unreadable.too-large", 1);
    assertThat(capped.bodyPhi()).isFalse();
    assertThat(scan(message).bodyPhi()).isTrue();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aFiftyMegabyteAttachment_isSkippedAfterTheCap_andReportedTooLarge() {
    String head = "From: news@lakeside.example\r\nSubject: Big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        + "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: application/pdf; name=big.pdf\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n";
    byte[] line = ("A".repeat(76) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    long lines = (50L << 20) / 57; // 57 bytes per base64 line: 50 MB decoded
    InputStream body = new InputStream() {
      private long left = lines * line.length;

      @Override
      public int read() {
        return left-- > 0 ? line[(int) (left % line.length)] : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          b[off + i] = line[(int) ((lines * line.length - left + i) % line.length)];
        }
        left -= n;
        return n;
      }
    };
    InputStream message = new SequenceInputStream(Collections.enumeration(java.util.List.of(
        new ByteArrayInputStream(head.getBytes(StandardCharsets.US_ASCII)), body,
        new ByteArrayInputStream("\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII)))));
    PhiReport r = detector.scan(message, false);
    assertThat(r.opaqueAttachments()).isEqualTo(1);
    assertThat(r.counts()).containsEntry("attachment.unreadable.too-large", 1);
  }
}

package org.mailward.policy.phi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailward.policy.PolicyConfig.PhiPolicy;

class PhiDetectorTest {
  private final HealthDictionary dictionary = HealthDictionary.bundled();
  private final PhiDetector detector = new PhiDetector(dictionary, PhiPolicy.defaults());

  private PhiReport scan(String message) {
    return detector.scan(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), false);
  }

  @Test
  void dictionary_holdsSeveralHundredTerms() {
    assertThat(dictionary.size()).isGreaterThan(300);
  }

  @Test
  void ssnRules_rejectImpossibleAreasGroupsAndSerials() {
    assertThat(Identifiers.validSsn(123, 45, 6789)).isTrue();
    assertThat(Identifiers.validSsn(0, 45, 6789)).isFalse();
    assertThat(Identifiers.validSsn(666, 45, 6789)).isFalse();
    assertThat(Identifiers.validSsn(900, 45, 6789)).isFalse();
    assertThat(Identifiers.validSsn(123, 0, 6789)).isFalse();
    assertThat(Identifiers.validSsn(123, 45, 0)).isFalse();
    assertThat(Identifiers.validSsn(78, 5, 1120)).isFalse();
  }

  @Test
  void npi_isCheckedWithLuhnOverThe80840Prefix() {
    assertThat(Identifiers.validNpi("1234567893")).isTrue(); // CMS's published example
    assertThat(Identifiers.validNpi("1234567890")).isFalse();
    assertThat(Identifiers.validNpi("3234567893")).isFalse();
  }

  @Test
  void dea_isCheckedWithItsCheckDigit() {
    assertThat(Identifiers.validDea("AB1234563")).isTrue(); // 1+3+5 + 2*(2+4+6) = 33
    assertThat(Identifiers.validDea("AB1234567")).isFalse();
    assertThat(Identifiers.validDea("IB1234563")).isFalse();
  }

  @Test
  void mbi_followsTheCmsShape() {
    assertThat(Identifiers.validMbi("1EG4TE5MK73")).isTrue(); // CMS's published example
    assertThat(Identifiers.validMbi("1EG4SE5MK73")).isFalse();
    assertThat(Identifiers.validMbi("0EG4TE5MK73")).isFalse();
  }

  @Test
  void identifierNearHealthTerm_isBodyPhi_butEitherAloneIsNot() {
    assertThat(detector.isBodyPhi(detector.scanText("SSN 123-45-6789, diagnosed with diabetes"))).isTrue();
    assertThat(detector.isBodyPhi(detector.scanText("SSN 123-45-6789, see you soon"))).isFalse();
    assertThat(detector.isBodyPhi(detector.scanText("Learn about diabetes at our class"))).isFalse();
  }

  @Test
  void identifierFarFromHealthTerm_isNotPhi() {
    String far = "SSN 123-45-6789. " + "x ".repeat(400) + "diabetes";
    assertThat(detector.isBodyPhi(detector.scanText(far))).isFalse();
  }

  @Test
  void bareNumbers_needTheirCueWord() {
    assertThat(detector.scanText("Call 1234567893 today").counts()).doesNotContainKey("id.npi");
    assertThat(detector.scanText("Provider NPI: 1234567893").counts()).containsEntry("id.npi", 1);
    assertThat(detector.scanText("order 123456789").counts()).doesNotContainKey("id.ssn");
    assertThat(detector.scanText("SSN 123456789").counts()).containsEntry("id.ssn", 1);
    assertThat(detector.scanText("Room E11 is upstairs").counts()).doesNotContainKey("health.icd10");
    assertThat(detector.scanText("Diagnosis code E11.9").counts()).containsEntry("health.icd10", 1);
  }

  @Test
  void identifiers_areWholeTokens_neverPiecesOfLongerOnes() {
    assertThat(detector.scanText("ref AB-123-45-6789, 123-45-6789x, 9123-45-6789").counts()).doesNotContainKey("id.ssn");
    assertThat(detector.scanText("(123-45-6789) and 1EG4-TE5-MK73.").counts()).containsEntry("id.ssn", 1).containsEntry("id.mbi", 1);
    assertThat(detector.scanText("x-1EG4-TE5-MK73 1EG4-TE5-MK73-2").counts()).doesNotContainKey("id.mbi");
    assertThat(detector.scanText("DEA AB1234563 and DEA AB1234563Z").counts()).containsEntry("id.dea", 1);
  }

  @Test
  void datesCountAsIdentifiers_onlyAfterABirthCue() {
    assertThat(detector.scanText("Your visit is on 03/14/2026").identifierCount()).isZero();
    assertThat(detector.scanText("DOB: 03/14/1961").counts()).containsEntry("id.dob", 1);
    assertThat(detector.scanText("Date of birth March 14, 1961").counts()).containsEntry("id.dob", 1);
    assertThat(detector.scanText("born on 1961-03-14").counts()).containsEntry("id.dob", 1);
  }

  @Test
  void subjectWithHealthWordsAddressedToTheRecipient_isSubjectPhi_evenWithoutIdentifier() {
    PhiReport r = scan("Subject: Your HIV test is ready\r\n\r\nhello\r\n");
    assertThat(r.subjectPhi()).isTrue();
    assertThat(r.bodyPhi()).isFalse();
    assertThat(r.counts()).containsKey("subject.health.lab").containsKey("subject.health.your");
  }

  @Test
  void subjectWithAClinicsSpecialtyOrAHealthTopic_isNotSubjectPhi() {
    assertThat(scan("Subject: We have opened a new location | Cedar Valley Oncology Center\r\n\r\nhello\r\n").subjectPhi()).isFalse();
    assertThat(scan("Subject: Free blood pressure checks every Tuesday\r\n\r\nhello\r\n").subjectPhi()).isFalse();
  }

  @Test
  void encodedWordSubject_isDecodedBeforeScanning() {
    PhiReport r = scan("Subject: =?utf-8?B?WW91ciBjaGVtb3RoZXJhcHkgcGxhbg==?=\r\n\r\nhello\r\n");
    assertThat(r.subjectPhi()).isTrue();
  }

  @Test
  void base64HtmlBody_isDecodedAndStripped() {
    String html = "<p>MRN</p><b>SSN</b>&nbsp;123-45-6789 <i>chemotherapy</i><script>var diabetes=1</script>";
    String b64 = java.util.Base64.getMimeEncoder().encodeToString(html.getBytes(StandardCharsets.UTF_8));
    PhiReport r = scan("Subject: hi\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n");
    assertThat(r.bodyPhi()).isTrue();
    assertThat(r.counts()).containsEntry("id.ssn", 1).containsEntry("health.procedure", 1).doesNotContainKey("health.condition");
  }

  @Test
  void attachmentNameWithAPatient_isPhi_andAnUnreadablePdf_isReportedWithItsReason() {
    PhiReport r = scan("Subject: hi\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
        + "Content-Type: text/plain\r\n\r\nsee attached\r\n--x\r\nContent-Type: application/pdf\r\n"
        + "Content-Disposition: attachment; filename=\"Patient_Jane_Example_biopsy_report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + "JVBERi0=\r\n--x--\r\n");
    assertThat(r.bodyPhi()).isTrue();
    assertThat(r.opaqueAttachments()).isEqualTo(1);
    assertThat(r.counts()).containsKey("attachment-name.health.procedure").containsKey("attachment-name.name.label")
        .containsEntry("attachment.unreadable.damaged", 1);
  }

  @Test
  void attachmentNameWithHealthWordsOnly_isNotPhi() {
    PhiReport r = scan("Subject: hi\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
        + "Content-Type: text/plain\r\n\r\nour guide\r\n--x\r\nContent-Type: image/png\r\n"
        + "Content-Disposition: attachment; filename=\"diabetes prevention guide.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + "iVBORw0KGgo=\r\n--x--\r\n");
    assertThat(r.bodyPhi()).isFalse();
    assertThat(r.counts()).containsEntry("attachment.unreadable.unsupported", 1);
  }

  @Test
  void attachmentNames_inRfc2231AndEncodedWordForms_areDecodedAndScanned() {
    for (String disposition : new String[] {"filename*=UTF-8''biopsy%20report.pdf", "filename=\"=?UTF-8?Q?biopsy_report.pdf?=\"",
        "\r\n filename*0=\"biopsy \";\r\n filename*1=\"report.pdf\""}) {
      PhiReport r = scan("Subject: hi\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
          + "Content-Type: application/pdf\r\nContent-Disposition: attachment; " + disposition + "\r\n\r\nJVBERi0=\r\n--x--\r\n");
      assertThat(r.counts()).as(disposition).containsKey("attachment-name.health.procedure");
    }
  }

  @Test
  void messagesScannedOneAfterAnother_onOneThread_shareNoFindings() {
    String phi = "Subject: hi\r\nContent-Type: text/html\r\n\r\n<p>SSN 123-45-6789, treated for diabetes</p>"
        + "<p>" + "Our clinic news. ".repeat(5_000) + "</p>\r\n";
    String clean = "Subject: hi\r\nContent-Type: text/html\r\n\r\n<p>See you soon</p>\r\n";
    PhiReport first = scan(phi);
    PhiReport second = scan(clean);
    PhiReport third = scan(phi);
    assertThat(first.bodyPhi()).isTrue();
    assertThat(second.bodyPhi()).isFalse();
    assertThat(second.counts()).isEmpty();
    assertThat(third).isEqualTo(first);
  }

  @Test
  void largeTextPart_fromAStreamOfUnknownSize_isScannedToTheEnd() {
    String body = "Our clinic news. ".repeat(20_000) + "SSN 123-45-6789, treated for diabetes\r\n";
    byte[] message = ("Subject: hi\r\nContent-Type: text/plain\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    java.io.InputStream unknownSize = new java.io.FilterInputStream(new ByteArrayInputStream(message)) {
      @Override
      public int available() {
        return 0;
      }
    };
    PhiReport r = detector.scan(unknownSize, false);
    assertThat(r.bodyPhi()).isTrue();
    assertThat(r.counts()).containsEntry("id.ssn", 1);
  }

  @Test
  void encapsulatedMessage_transferEncoded_isDecodedAndScanned() {
    String inner = "Subject: inner\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + "SSN 123-45-=\r\n6789, treated for diabetes\r\n";
    String b64 = java.util.Base64.getMimeEncoder().encodeToString(inner.getBytes(StandardCharsets.UTF_8));
    PhiReport r = scan("Subject: fwd\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64 + "\r\n");
    assertThat(r.bodyPhi()).isTrue();
    assertThat(r.counts()).containsEntry("id.ssn", 1).containsEntry("health.condition", 1);
  }

  @Test
  void purposeAndListUnsubscribeHeaders_areReportedFromTheTopHeaderOnly() {
    PhiReport r = scan("Subject: hi\r\nX-Mailward-Purpose: treatment\r\nList-Unsubscribe: <https://esp.example/u>\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\nX-Mailward-Purpose: marketing\r\nSubject: inner\r\n\r\nbody\r\n");
    assertThat(r.purposeHeader()).contains("treatment");
    assertThat(r.listUnsubscribe()).isTrue();
  }

  @Test
  void strictTenantRule_makesAnyIdentifierPhi() {
    PhiPolicy d = PhiPolicy.defaults();
    PhiDetector strict = new PhiDetector(dictionary, new PhiPolicy(true, d.subjectAction(), d.neutralSubject(), d.bodyLevel(),
        d.windowChars(), true, List.of(), d.opaqueAttachmentLevel()));
    assertThat(strict.isBodyPhi(strict.scanText("Medicare 1EG4-TE5-MK73"))).isTrue();
  }

  @Test
  void evidenceHoldsDetectorNamesAndCounts_neverMatchedText() {
    PhiReport r = scan("Subject: x\r\n\r\nSSN 123-45-6789 diabetes\r\n");
    assertThat(r.counts().keySet()).allSatisfy(k -> assertThat(k).matches("[a-z0-9.\\-]+").doesNotContain("123"));
  }
}

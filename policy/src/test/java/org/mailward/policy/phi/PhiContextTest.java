package org.mailward.policy.phi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.mailward.policy.PolicyConfig.PhiPolicy;

/** People, context and evasions: what the detector finds in a message body, and what it leaves alone. */
class PhiContextTest {
  private final PhiDetector detector = new PhiDetector(HealthDictionary.bundled(), PhiPolicy.defaults());

  private PhiReport scan(byte[] message) {
    return detector.scan(new ByteArrayInputStream(message), false);
  }

  private static byte[] message(String subject, String contentType, String cte, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String head = "From: \"Lakeside Cardiology\" <news@lakeside.example>\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: " + contentType + "\r\nContent-Transfer-Encoding: " + cte + "\r\n\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private PhiReport body(String text) {
    return scan(message("News", "text/plain; charset=utf-8", "8bit", text.getBytes(StandardCharsets.UTF_8)));
  }

  private boolean bodyPhi(String text) {
    return body(text).bodyPhi();
  }

  @Test
  void aNameInASalutation_withHealthWordsAddressedToTheRecipient_isPhi() {
    PhiReport r = body("Dear Jane Q. Example, your A1C result of 9.2 is above target.");
    assertThat(r.bodyPhi()).isTrue();
    assertThat(r.evidence()).extracting(e -> e.finding().rule()).contains("name.salutation", "health.your");
  }

  @Test
  void aSalutationOnItsOwn_withAGeneralHealthTopic_isNotPhi() {
    assertThat(bodyPhi("Hello Maria, join our free diabetes education class next Tuesday.")).isFalse();
  }

  @Test
  void aLabelledPatientName_withADiagnosis_isPhi() {
    assertThat(bodyPhi("Patient: Oluwaseun Marchetti\nDiagnosis: asthma, follow-up in two weeks.")).isTrue();
  }

  @Test
  void aNameUnknownToTheLists_inTheSameSentenceAsCare_isPhi_butFarFromItIsNot() {
    assertThat(bodyPhi("Ysolde Brackenridge completed week 4 of the outpatient program on September 15.")).isTrue();
    String far = "Ysolde Brackenridge wrote to us." + " Our gardens are lovely this spring.".repeat(12) + " Chemotherapy info.";
    assertThat(bodyPhi(far)).isFalse();
  }

  @Test
  void aCliniciansAPresentersASignaturesAndTheSendersOwnName_areNotPatients() {
    assertThat(bodyPhi("Meet Dr. Naomi Castellane, who treats asthma and diabetes.")).isFalse();
    assertThat(bodyPhi("Maria Lopez, MD, treats hypertension at our clinic.")).isFalse();
    assertThat(bodyPhi("Lakeside Cardiology treats hypertension and heart failure.")).isFalse();
    assertThat(bodyPhi("Join nurse Maria Lopez for a free talk on living with diabetes.")).isFalse();
    assertThat(bodyPhi("Sincerely,\nMaria Lopez\nDiabetes education team")).isFalse();
  }

  @Test
  void labelledRecordMemberAndRxNumbers_areIdentifiers_thatMakePhiWithAName() {
    assertThat(bodyPhi("Member ID: XQZ4471902 for Robert Kowalczyk.")).isTrue();
    assertThat(bodyPhi("Rx #7730021 for Tomasz Wierzbicki is ready.")).isTrue();
    assertThat(bodyPhi("MRN: 00482913 – your asthma plan is attached.")).isTrue();
  }

  @Test
  void namesWithAccentedCapitalsParticlesOrAddressedAtTheEndOfASentence_areFound() {
    assertThat(body("Refill reminder for José Ángel: your alendronate refill is ready.").counts()).containsKey("name.capitalised");
    assertThat(bodyPhi("Congratulations on six months in our asthma program, Ingrid van der Berg!")).isTrue();
    assertThat(bodyPhi("Thank you for trusting us with your care, Esperanza Hargreaves. Account 4317-864295 covers the asthma visit.")).isTrue();
  }

  @Test
  void aPhoneNumberNearAMemberLabel_isAPhone_notAMemberNumber() {
    PhiReport r = body("Questions about your asthma coverage? Call Member Services at 1-800-555-0199.");
    assertThat(r.bodyPhi()).isFalse();
    assertThat(r.counts()).containsKey("contact.phone").doesNotContainKey("id.record");
    assertThat(body("Member 927-328-920: allergy testing approved").counts()).containsKey("id.record");
  }

  @Test
  void aLabelledSsnOutsideTheIssuedRanges_stillCounts() {
    PhiReport r = body("Jane Kowalczyk, SSN: 958-37-6305");
    assertThat(r.bodyPhi()).isTrue();
    assertThat(r.counts()).containsEntry("id.ssn.labelled", 1);
  }

  @Test
  void ssnShapedOrderNumbers_andIcdShapedProductCodes_inMailWithoutAPerson_areNotPhi() {
    assertThat(bodyPhi("Order 123-45-6789 shipped: your new blood glucose meter and asthma spacer.")).isFalse();
    assertThat(bodyPhi("Thanks for shopping! Reference 219-44-1234. Diabetes socks ship free.")).isFalse();
    assertThat(bodyPhi("Item J45-909 spacer chamber for inhalers, $14.50.\nItem E11.9 digital thermometer, $24.99.")).isFalse();
  }

  @Test
  void anIcdCodeWrittenAsOne_outsideACatalogueLine_isHealthContext() {
    assertThat(body("Assessment E11.9 recorded.").counts()).containsEntry("health.icd10", 1);
    assertThat(bodyPhi("Dear Jane Example, your visit was coded E11.9 and J45.909.")).isTrue();
  }

  @Test
  void datesOfCareAndPhones_tiedToANamedPatient_arePhi() {
    assertThat(bodyPhi("Reminder for Henrietta Oyelaran: appointment on March 3, 2025 at 10:00.")).isTrue();
    PhiReport r = body("Call Henrietta Oyelaran at (207) 555-0143 about the biopsy results.");
    assertThat(r.bodyPhi()).isTrue();
    assertThat(r.counts()).containsKey("contact.phone");
  }

  @Test
  void aStreetAddress_isFoundAsContact() {
    assertThat(body("Visit us at 52 Harbor Street, Portland.").counts()).containsEntry("contact.address", 1);
  }

  @Test
  void aNameRightBeforeAStreetAddress_isAnAddressee_thatPairsWithHealthFartherAway() {
    String text = "Your replacement kit goes to Ezekiel Szymanski, 8644 Kingfisher Avenue, Bend, OR 97701 this week. "
        + "The nurse will review the plan for your osteoporosis when it arrives.";
    PhiReport r = body(text);
    assertThat(r.bodyPhi()).isTrue();
    assertThat(r.evidence()).extracting(e -> e.finding().rule()).contains("name.addressee");
    assertThat(bodyPhi("Visit Northgate Pharmacy, 1200 Main Street, Bend, OR 97701 this week. Our pharmacists can review "
        + "the plan for your osteoporosis when you come in.")).isFalse();
    assertThat(bodyPhi("Your replacement kit goes to Ezekiel Szymanski this week. Our gardens are lovely in spring and the "
        + "library is open late. The nurse will review the plan for your osteoporosis when it arrives.")).isFalse();
  }

  @Test
  void aGivenNameThatIsAlsoAnOrdinaryWord_isANameAfterASalutation_butAFormOfAddressIsNot() {
    assertThat(bodyPhi("Dear Wren Castellanos, your knee replacement is booked.")).isTrue();
    assertThat(bodyPhi("Dear Valued Patient, your knee replacement is booked.")).isFalse();
    assertThat(bodyPhi("Dear Wren, your knee replacement is booked.")).isFalse(); // one ordinary word: not a name
  }

  @Test
  void drugStemsAndClinicalEndings_areHealthContext_butOrdinaryWordsWithThoseEndingsAreNot() {
    PhiReport drug = body("Ysolde Brackenridge started pitavastatin and telmisartan last week.");
    assertThat(drug.bodyPhi()).isTrue();
    assertThat(drug.counts()).containsEntry("health.medication.stem", 2);
    assertThat(body("Ysolde Brackenridge was treated for tendinitis.").counts()).containsKey("health.condition.stem");
    assertThat(bodyPhi("Ysolde Brackenridge was treated for tendinitis.")).isTrue();
    assertThat(bodyPhi("Ysolde Brackenridge sends her sympathy and a diploma from academia.")).isFalse();
    assertThat(body("Ysolde Brackenridge has hepatitis, tendinitis and hepatitis c.").counts()) // the dictionary's own words count once
        .containsEntry("health.condition.stem", 1);
    assertThat(body("Pitavastatin and tendinitis: what the research says.").bodyPhi()).isFalse(); // context alone
  }

  @Test
  void quotedPrintableWithEncodedBytesAndSoftBreaks_isDecoded() {
    String qp = "Dear Ja=\r\nne Exa=6Dple, your chemo=\r\ntherapy starts =4Donday.";
    assertThat(scan(message("News", "text/plain; charset=utf-8", "quoted-printable", qp.getBytes(StandardCharsets.US_ASCII)))
        .bodyPhi()).isTrue();
  }

  @Test
  void utf16WithAByteOrderMark_andIso88591Parts_areDecodedWithTheirCharset() {
    byte[] utf16 = ("\uFEFF" + "Dear José Example, your insulin dose changed.").getBytes(StandardCharsets.UTF_16BE);
    assertThat(scan(message("News", "text/plain", "base64", Base64.getMimeEncoder().encode(utf16))).bodyPhi()).isTrue();
    byte[] latin1 = "Dear José Müller, your insulin dose changed.".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(scan(message("News", "text/plain; charset=iso-8859-1", "8bit", latin1)).bodyPhi()).isTrue();
  }

  @Test
  void utf16WithoutAByteOrderMark_isRecognisedByItsNulBytes_whateverThePartDeclares() {
    String text = "Dear Jane Example, your insulin dose changed.";
    byte[] le = text.getBytes(StandardCharsets.UTF_16LE);
    byte[] be = text.getBytes(StandardCharsets.UTF_16BE);
    assertThat(scan(message("News", "text/plain; charset=us-ascii", "base64", Base64.getMimeEncoder().encode(le))).bodyPhi()).isTrue();
    assertThat(scan(message("News", "text/plain; charset=utf-16", "base64", Base64.getMimeEncoder().encode(le))).bodyPhi()).isTrue();
    assertThat(scan(message("News", "text/plain", "base64", Base64.getMimeEncoder().encode(be))).bodyPhi()).isTrue();
    assertThat(Charsets.utf16ByNuls(text.getBytes(StandardCharsets.UTF_8), text.length())).isNull();
    assertThat(Charsets.utf16ByNuls(le, le.length)).isEqualTo(StandardCharsets.UTF_16LE);
  }

  @Test
  void fullWidthZeroWidthAndLookAlikeLetters_areCaught() {
    assertThat(bodyPhi("Jane Kowalczyk, ＳＳＮ: ９５８-３７-６３０５")).isTrue();
    assertThat(bodyPhi("Jane Kowalczyk, S\u200BS\u200BN: 958\u00AD-37-6305")).isTrue();
    assertThat(bodyPhi("Dear Jane Example, your \u0441hemotherapy starts Monday.")).isTrue(); // Cyrillic es
  }

  @Test
  void identifiersSplitAcrossHtmlTagsAndComments_areJoined() {
    String html = "<p>Dear Jane Example,</p><p>your <b>in</b><!-- x -->sulin dose: SSN 958-<span>37</span>-6305</p>";
    assertThat(scan(message("News", "text/html; charset=utf-8", "7bit", html.getBytes(StandardCharsets.UTF_8))).bodyPhi()).isTrue();
  }

  @Test
  void anRfc2047EncodedSubject_withANameAndARecordNumber_isSubjectPhi() {
    String subject = "=?UTF-8?Q?=4C=75=63=69=61=6E_=4C=69=6E=64=71=76=69=73=74=2C_=4D=52=4E_=4E=47=38=37=35=31=39=39=31?=";
    assertThat(scan(message(subject, "text/plain", "7bit", "hello".getBytes(StandardCharsets.US_ASCII))).subjectPhi()).isTrue();
  }

  @Test
  void theSubjectOfAnAttachedMessage_isScannedAsBody() {
    String inner = "From: x@example.org\r\nSubject: Patient Jane Example, MRN 4412093\r\n\r\nsee chart\r\n";
    byte[] m = ("From: news@lakeside.example\r\nSubject: Forwarded\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfyi\r\n--b\r\n"
        + "Content-Type: message/rfc822\r\n\r\n" + inner + "--b--\r\n").getBytes(StandardCharsets.US_ASCII);
    PhiReport r = scan(m);
    assertThat(r.subjectPhi()).isFalse();
    assertThat(r.bodyPhi()).isTrue();
  }

  @Test
  void evidence_pointsBackToTheOriginalText() {
    String text = "Dear Ja\u200Bne Kowalczyk, your insulin dose changed.";
    PhiReport r = body(text);
    PhiEvidence name = r.evidence().stream().filter(e -> e.finding().category() == PhiFinding.Category.NAME).findFirst()
        .orElseThrow();
    assertThat(text.substring(name.finding().start(), name.finding().end())).isEqualTo("Ja\u200Bne Kowalczyk");
    assertThat(name.where()).isEqualTo("part 1");
  }
}

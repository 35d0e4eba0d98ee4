package org.mailward.policy.phi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import org.mailward.policy.PolicyConfig.PhiPolicy;
import org.mailward.policy.PolicyConfig.TenantPattern;

/**
 * Measures the detector on a labelled synthetic corpus generated here (seeded, so every run sees
 * the same 1,000 messages). Thresholds, documented in docs/policy.md: recall >= 0.95 on PHI mail,
 * false positives <= 2% on ordinary healthcare marketing mail.
 */
class PhiEvaluationCorpusTest {
  static final double MIN_RECALL = 0.95;
  static final double MAX_FALSE_POSITIVE_RATE = 0.02;
  static final int PER_CLASS = 500;

  private final PhiDetector detector = new PhiDetector(HealthDictionary.bundled(), withMrnPattern());

  static PhiPolicy withMrnPattern() {
    PhiPolicy d = PhiPolicy.defaults();
    return new PhiPolicy(true, d.subjectAction(), d.neutralSubject(), d.bodyLevel(), d.windowChars(), false,
        java.util.List.of(new TenantPattern("mrn", "\\bMRN[:#]?\\s*\\d{7}\\b")), d.opaqueAttachmentLevel());
  }

  @Test
  void phiMail_isRecognised_withRecallAboveThreshold_andMarketingMail_staysBelowFalsePositiveThreshold() {
    SyntheticMail gen = new SyntheticMail(20261101L);
    int truePositives = 0;
    int falsePositives = 0;
    for (int i = 0; i < PER_CLASS; i++) {
      byte[] phi = gen.message("Your account update", gen.phiText());
      if (flagged(phi)) {
        truePositives++;
      }
      byte[] marketing = gen.message("News from your clinic", gen.marketingText());
      if (flagged(marketing)) {
        falsePositives++;
      }
    }
    double recall = truePositives / (double) PER_CLASS;
    double fpRate = falsePositives / (double) PER_CLASS;
    System.out.printf("PHI corpus: recall %.3f, false-positive rate %.3f (n=%d per class)%n", recall, fpRate, PER_CLASS);
    assertThat(recall).isGreaterThanOrEqualTo(MIN_RECALL);
    assertThat(fpRate).isLessThanOrEqualTo(MAX_FALSE_POSITIVE_RATE);
  }

  private boolean flagged(byte[] message) {
    PhiReport r = detector.scan(new ByteArrayInputStream(message), false);
    assertThat(r.unparseable()).isFalse();
    return r.subjectPhi() || r.bodyPhi();
  }
}

package org.mailward.policy;

import org.mailward.api.Purpose;
import org.mailward.api.SmtpReply;

/**
 * Every rule name policy can put in a reply or an audit record, and the replies that go with them.
 * Replies name the rule, never the address. docs/policy.md lists them for operators.
 */
public final class PolicyRules {
  private PolicyRules() {}

  public static final String CONSENT_AUTHORIZED = "consent.authorized";
  public static final String CONSENT_MISSING = "consent.missing";
  public static final String CONSENT_EXPIRED = "consent.expired";
  public static final String CONSENT_REVOKED = "consent.revoked";
  public static final String CONSENT_NOT_YET_VALID = "consent.not-yet-valid";
  public static final String FUNDRAISING_OPTED_OUT = "fundraising.opted-out";
  public static final String PURPOSE_DEFERRED = "purpose.deferred-to-data";
  public static final String POLICY_UNAVAILABLE = "policy.unavailable";
  public static final String PHI_SUBJECT = "phi.subject";
  public static final String PHI_SUBJECT_REWRITTEN = "phi.subject.rewritten";
  public static final String PHI_BODY = "phi.body";
  public static final String PHI_SCAN_TRUNCATED = "phi.scan.truncated";
  public static final String PHI_SCAN_UNPARSEABLE = "phi.scan.unparseable";
  public static final String PHI_OPAQUE_ATTACHMENT = "phi.attachment.opaque";
  public static final String PURPOSE_HEADER_INVALID = "purpose.header.invalid";
  public static final String UNSUBSCRIBE_ADDED = "unsubscribe.header-added";
  public static final String UNSUBSCRIBE_ESP_KEPT = "unsubscribe.esp-header-kept";
  public static final String UNSUBSCRIBE_MULTI_RECIPIENT = "unsubscribe.multi-recipient-skipped";

  /** {@code suppression.<reason>}, e.g. {@code suppression.hard-bounce}. */
  public static String suppression(String reasonLabel) {
    return "suppression." + reasonLabel;
  }

  /** Accept rule of a purpose that needs no authorization, e.g. {@code purpose.treatment}. */
  public static String purpose(Purpose purpose) {
    return "purpose." + purpose.label();
  }

  public static SmtpReply refused(String rule) {
    return SmtpReply.of(550, "5.7.1", "Recipient not permitted by policy (rule " + rule + ")");
  }

  public static SmtpReply messageRefused(String rule) {
    return SmtpReply.of(550, "5.7.1", "Message refused by policy (rule " + rule + ")");
  }

  public static SmtpReply unavailable() {
    return SmtpReply.of(451, "4.3.0", "Policy check unavailable, try again later (rule " + POLICY_UNAVAILABLE + ")");
  }
}

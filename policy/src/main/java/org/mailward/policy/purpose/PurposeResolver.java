package org.mailward.policy.purpose;

import java.util.Locale;
import java.util.Optional;
import org.mailward.api.EmailAddress;
import org.mailward.api.Purpose;
import org.mailward.api.Transaction;
import org.mailward.policy.PolicyConfig.MatchOn;
import org.mailward.policy.PolicyConfig.PurposeRule;
import org.mailward.policy.PolicyConfig.TenantPolicy;

/**
 * The purpose of a transaction as known at MAIL time, from the tenant's rules, most specific
 * first: sender address, then sender domain (or a parent domain), then the SMTP credential, then
 * the tenant's default purpose (marketing unless configured otherwise: the safe default). The null
 * sender {@code <>} (an ESP's bounces and delivery notices) is always transactional: no rule,
 * credential or header can make it marketing.
 * Pure and cheap: safe on an event loop.
 */
public final class PurposeResolver {
  private PurposeResolver() {}

  public static Purpose atMail(TenantPolicy policy, Transaction transaction) {
    Optional<EmailAddress> sender = transaction.reversePath();
    if (sender.isEmpty()) {
      return Purpose.TRANSACTIONAL; // the null sender: a bounce or notice (RFC 5321 4.5.5), never marketing
    }
    String address = sender.get().normalized();
    for (PurposeRule r : policy.purposeRules()) {
      if (r.on() == MatchOn.SENDER_ADDRESS && r.value().toLowerCase(Locale.ROOT).equals(address)) {
        return r.purpose();
      }
    }
    String domain = sender.get().domain();
    for (PurposeRule r : policy.purposeRules()) {
      String d = r.value().toLowerCase(Locale.ROOT);
      if (r.on() == MatchOn.SENDER_DOMAIN && (domain.equals(d) || domain.endsWith("." + d))) {
        return r.purpose();
      }
    }
    String credential = transaction.session().tenant().smtpUsername();
    for (PurposeRule r : policy.purposeRules()) {
      if (r.on() == MatchOn.CREDENTIAL && r.value().equals(credential)) {
        return r.purpose();
      }
    }
    return transaction.session().tenant().defaultPurpose();
  }

  /** The purpose named by an {@code X-Mailward-Purpose} value, if it names one. */
  public static Optional<Purpose> fromHeader(String value) {
    try {
      return Optional.of(Purpose.fromLabel(value));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

package org.mailward.api;

/** Policy's answer for one RCPT TO: accept, or refuse with a reply that names the rule, never the address. */
public sealed interface RecipientVerdict {
  /** @param rule the rule that allowed it (for the audit record), e.g. {@code consent.authorized} */
  record Accept(String rule) implements RecipientVerdict {}

  /** A 5xx refuses the recipient; a 4xx asks the client to try later (fail closed). */
  record Refuse(SmtpReply reply, String rule) implements RecipientVerdict {}
}

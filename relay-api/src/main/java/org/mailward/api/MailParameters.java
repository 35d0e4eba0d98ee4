package org.mailward.api;

import java.util.Optional;

/**
 * The MAIL FROM parameters a message arrived with.
 *
 * @param declaredSize SIZE=, or 0 when not given
 * @param requireTls REQUIRETLS (RFC 8689) was given
 * @param envelopeId ENVID (RFC 3461), xtext-decoded
 */
public record MailParameters(
    long declaredSize,
    BodyType body,
    boolean smtpUtf8,
    boolean requireTls,
    Optional<DsnReturn> ret,
    Optional<String> envelopeId) {

  public enum BodyType { SEVEN_BIT, EIGHT_BIT_MIME, BINARY_MIME }

  public enum DsnReturn { FULL, HDRS }

  public static MailParameters defaults() {
    return new MailParameters(0, BodyType.SEVEN_BIT, false, false, Optional.empty(), Optional.empty());
  }
}

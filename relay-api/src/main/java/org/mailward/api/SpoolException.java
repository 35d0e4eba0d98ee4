package org.mailward.api;

/** Infrastructure failures of the spool; each maps to one SMTP reply. */
public abstract sealed class SpoolException extends RuntimeException {
  protected SpoolException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The reply the inbound server sends for this failure. */
  public abstract SmtpReply reply();

  /** Disk full, I/O error or closed spool: {@code 452 4.3.1}. Nothing was half-written. */
  public static final class Unavailable extends SpoolException {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public SmtpReply reply() {
      return SmtpReply.of(452, "4.3.1", "Insufficient system storage, try again later");
    }
  }

  /** Too many commits in flight: {@code 451 4.3.2} so the client backs off. */
  public static final class Busy extends SpoolException {
    public Busy(String message) {
      super(message, null);
    }

    @Override
    public SmtpReply reply() {
      return SmtpReply.of(451, "4.3.2", "System busy, try again later");
    }
  }
}

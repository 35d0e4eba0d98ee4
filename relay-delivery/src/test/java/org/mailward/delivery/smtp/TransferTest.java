package org.mailward.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.mailward.api.SmtpReply;

class TransferTest {
  private static final SmtpReply OK = SmtpReply.of(250, "2.1.0", "OK");
  private static final SmtpReply BUSY = SmtpReply.of(421, "4.7.0", "slow down");

  private static CompletableFuture<SmtpReply> lost() {
    return CompletableFuture.failedFuture(new IOException("connection closed by peer"));
  }

  @Test
  void repliesCutOffAfterA421_areThat421() {
    assertThat(Transfer.closingOr(List.of(CompletableFuture.completedFuture(OK), CompletableFuture.completedFuture(BUSY), lost()),
        new IOException("x"))).containsExactly(OK, BUSY, BUSY);
  }

  @Test
  void aReplyAfterA421_isReadAsThe421_too() {
    SmtpReply late = SmtpReply.of(503, "5.5.1", "need RCPT");
    assertThat(Transfer.closingOr(List.of(CompletableFuture.completedFuture(BUSY), CompletableFuture.completedFuture(late)), null))
        .containsExactly(BUSY, BUSY);
  }

  @Test
  void aLostReplyWithoutA421_isALostConnection() {
    assertThatThrownBy(() -> Transfer.closingOr(List.of(CompletableFuture.completedFuture(OK), lost()), new IOException("gone")))
        .isInstanceOf(CompletionException.class).hasRootCauseMessage("gone");
  }
}

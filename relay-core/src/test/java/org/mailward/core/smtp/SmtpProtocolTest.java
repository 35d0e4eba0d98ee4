package org.mailward.core.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.mailward.api.SmtpReply;
import org.mailward.api.TenantLimits;
import org.mailward.core.testing.Tenants;
import org.junit.jupiter.api.Test;

class SmtpProtocolTest {
  static final ProtocolSettings SETTINGS = new ProtocolSettings("mx.mailward.test", 10_000_000, 100, 5);

  static String plain(String user, String password) {
    return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  ScriptedSession plaintext() {
    return new ScriptedSession(SETTINGS, Tenants.clinic("x"), false);
  }

  ScriptedSession authenticated() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.clinic("x"), true);
    s.send("EHLO esp.test", "AUTH PLAIN " + plain("apikey", "secret"));
    assertThat(s.last().code()).isEqualTo(235);
    return s;
  }

  @Test
  void ehloBeforeTls_advertisesStartTls_butNeitherAuthNorRequireTls() {
    List<Response> r = plaintext().send("EHLO esp.test");
    assertThat(r).hasSize(1);
    assertThat(r.get(0).code()).isEqualTo(250);
    assertThat(r.get(0).lines()).contains("PIPELINING", "SIZE 10000000", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES",
        "CHUNKING", "DSN", "STARTTLS").doesNotContain("AUTH PLAIN LOGIN", "REQUIRETLS");
  }

  @Test
  void ehloAfterTls_advertisesAuthAndRequireTls_butNotStartTls() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.clinic("x"), true);
    assertThat(s.send("EHLO esp.test").get(0).lines()).contains("AUTH PLAIN LOGIN", "REQUIRETLS").doesNotContain("STARTTLS");
  }

  @Test
  void authBeforeTls_isRefusedWith_530_5_7_0() {
    Response r = plaintext().send("EHLO esp.test", "AUTH PLAIN " + plain("apikey", "secret")).get(1);
    assertThat(r.toWire()).isEqualTo("530 5.7.0 Must issue a STARTTLS command first\r\n");
  }

  @Test
  void mailBeforeTls_isRefusedWith_530_5_7_0_evenWhenMalformed() {
    ScriptedSession s = plaintext();
    assertThat(s.send("EHLO esp.test", "MAIL FROM:<a@clinic.test>").get(1).toWire()).startsWith("530 5.7.0 Must issue a STARTTLS");
    assertThat(s.send("MAIL FROM:garbage").get(0).toWire()).startsWith("530 5.7.0 Must issue a STARTTLS");
  }

  @Test
  void mailWithoutAuth_isRefusedWith_530_5_7_0_neverAnOpenRelay() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.clinic("x"), true);
    List<Response> r = s.send("EHLO esp.test", "MAIL FROM:<a@clinic.test>", "RCPT TO:<b@example.test>", "DATA");
    assertThat(r.get(1).toWire()).isEqualTo("530 5.7.0 Authentication required\r\n");
    assertThat(r.get(2).code()).isEqualTo(503);
    assertThat(r.get(3).code()).isEqualTo(503);
    assertThat(s.effects).noneMatch(e -> e instanceof Effect.OpenMessage || e instanceof Effect.CheckRecipient);
  }

  @Test
  void starttls_replies220_startsTls_andForgetsEhlo() {
    ScriptedSession s = plaintext();
    List<Response> r = s.send("EHLO esp.test", "STARTTLS");
    assertThat(r.get(1).toWire()).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
    assertThat(s.tlsStarted).isTrue();
    assertThat(s.state.tls()).isTrue();
    assertThat(s.state.heloName()).isEmpty();
    assertThat(s.send("AUTH PLAIN " + plain("apikey", "secret")).get(0).code()).isEqualTo(503);
  }

  @Test
  void authPlainWithInitialResponse_authenticatesTheTenant() {
    ScriptedSession s = authenticated();
    assertThat(s.state.tenant()).isPresent();
    assertThat(s.last().toWire()).startsWith("235 2.7.0");
  }

  @Test
  void authPlainWithoutInitialResponse_sendsEmptyChallenge() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.clinic("x"), true);
    List<Response> r = s.send("EHLO esp.test", "AUTH PLAIN", plain("apikey", "secret"));
    assertThat(r.get(1).toWire()).isEqualTo("334 \r\n");
    assertThat(r.get(2).code()).isEqualTo(235);
  }

  @Test
  void authLogin_asksForUserThenPassword() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.clinic("x"), true);
    List<Response> r = s.send("EHLO esp.test", "AUTH LOGIN", b64("apikey"), b64("secret"));
    assertThat(r.get(1).toWire()).isEqualTo("334 VXNlcm5hbWU6\r\n");
    assertThat(r.get(2).toWire()).isEqualTo("334 UGFzc3dvcmQ6\r\n");
    assertThat(r.get(3).code()).isEqualTo(235);
  }

  @Test
  void authLoginWithInitialResponse_asksOnlyForPassword() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.clinic("x"), true);
    List<Response> r = s.send("EHLO esp.test", "AUTH LOGIN " + b64("apikey"), b64("secret"));
    assertThat(r.get(1).toWire()).isEqualTo("334 UGFzc3dvcmQ6\r\n");
    assertThat(r.get(2).code()).isEqualTo(235);
  }

  @Test
  void authCancelledWithStar_isAnsweredWith_501() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.clinic("x"), true);
    List<Response> r = s.send("EHLO esp.test", "AUTH LOGIN", "*", "NOOP");
    assertThat(r.get(2).toWire()).isEqualTo("501 5.7.0 Authentication cancelled\r\n");
    assertThat(r.get(3).code()).isEqualTo(250);
  }

  @Test
  void wrongPassword_isRefusedWith_535_5_7_8() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.clinic("x"), true);
    assertThat(s.send("EHLO esp.test", "AUTH PLAIN " + plain("apikey", "wrong")).get(1).toWire()).startsWith("535 5.7.8");
    assertThat(s.state.tenant()).isEmpty();
  }

  @Test
  void unknownMechanism_isRefusedWith_504_5_5_4() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.clinic("x"), true);
    assertThat(s.send("EHLO esp.test", "AUTH CRAM-MD5").get(1).toWire()).startsWith("504 5.5.4");
  }

  @Test
  void senderDomainNotOfTheTenant_isRefusedWith_550_5_7_1() {
    assertThat(authenticated().send("MAIL FROM:<a@other.test>").get(0).toWire()).startsWith("550 5.7.1 Sender domain");
  }

  @Test
  void subdomainOfTheTenantDomain_isAccepted() {
    assertThat(authenticated().send("MAIL FROM:<a@mail.clinic.test>").get(0).toWire()).startsWith("250 2.1.0");
  }

  @Test
  void nullSender_fromAnAuthenticatedTenant_isAdmittedWithAnEmptyReversePath() {
    ScriptedSession s = authenticated();
    assertThat(s.send("MAIL FROM:<>").get(0).toWire()).startsWith("250 2.1.0");
    assertThat(s.effects).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(Effect.AdmitMail.class,
        a -> assertThat(a.reversePath()).isEmpty()));
    assertThat(s.state.tx().orElseThrow().reversePath()).isEmpty();
  }

  @Test
  void nullSender_withoutAuthentication_isRefusedWith_530_5_7_0() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.clinic("x"), true);
    s.send("EHLO esp.test");
    assertThat(s.send("MAIL FROM:<>").get(0).toWire()).startsWith("530 5.7.0 Authentication required");
  }

  @Test
  void declaredSizeOverTheLimit_isRefusedWith_552_5_3_4() {
    ScriptedSession s = authenticated();
    assertThat(s.send("MAIL FROM:<a@clinic.test> SIZE=10000001").get(0).toWire()).startsWith("552 5.3.4");
    assertThat(s.state.tx()).isEmpty();
  }

  @Test
  void tenantSizeLimit_isLowerThanServerLimit_andAdvertised() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.withLimits("x", new TenantLimits(2, 1000, 5, 0)), true);
    s.send("EHLO esp.test", "AUTH PLAIN " + plain("limited", "secret"));
    assertThat(s.send("EHLO esp.test").get(0).lines()).contains("SIZE 1000");
    assertThat(s.send("MAIL FROM:<a@limited.test> SIZE=1001").get(0).toWire()).startsWith("552 5.3.4");
  }

  @Test
  void recipientsBeyondTheLimit_areRefusedWith_452_4_5_3() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.withLimits("x", new TenantLimits(2, 1000, 5, 0)), true);
    s.send("EHLO esp.test", "AUTH PLAIN " + plain("limited", "secret"));
    List<Response> r = s.send("MAIL FROM:<a@limited.test>", "RCPT TO:<r1@x.test>", "RCPT TO:<r2@x.test>", "RCPT TO:<r3@x.test>");
    assertThat(r).extracting(Response::code).containsExactly(250, 250, 250, 452);
    assertThat(r.get(3).status()).isEqualTo("4.5.3");
  }

  @Test
  void nonAsciiSenderWithoutSmtpUtf8_isRefusedWith_553_5_6_7() {
    ScriptedSession s = authenticated();
    assertThat(s.send("MAIL FROM:<jörg@clinic.test>").get(0).toWire()).startsWith("553 5.6.7");
    assertThat(s.send("MAIL FROM:<jörg@clinic.test> SMTPUTF8").get(0).code()).isEqualTo(250);
  }

  @Test
  void fullDataTransaction_endsWith_250_queued() {
    ScriptedSession s = authenticated();
    List<Response> r = s.send("MAIL FROM:<a@clinic.test> BODY=8BITMIME", "RCPT TO:<b@example.test> NOTIFY=SUCCESS,FAILURE",
        "RCPT TO:<refuse@example.test>", "DATA");
    assertThat(r).extracting(Response::code).containsExactly(250, 250, 550, 354, 250);
    assertThat(r.get(4).toWire()).startsWith("250 2.0.0 Ok: queued as ");
    Effect.FinishMessage finish = (Effect.FinishMessage) s.effects.stream().filter(e -> e instanceof Effect.FinishMessage).findFirst().orElseThrow();
    assertThat(finish.accepted()).hasSize(1);
    assertThat(s.state.tx()).isEmpty();
  }

  @Test
  void dataWithoutAcceptedRecipients_isRefusedWith_554_5_5_1() {
    ScriptedSession s = authenticated();
    assertThat(s.send("MAIL FROM:<a@clinic.test>", "RCPT TO:<refuse@x.test>", "DATA").get(2).toWire()).startsWith("554 5.5.1");
  }

  @Test
  void dataRefusedAtTheEnd_abortsTheMessage() {
    ScriptedSession s = authenticated();
    s.dataFailure = Optional.of(SmtpReply.of(550, "5.6.11", "Bare CR or LF"));
    List<Response> r = s.send("MAIL FROM:<a@clinic.test>", "RCPT TO:<b@x.test>", "DATA");
    assertThat(r.get(3).toWire()).startsWith("550 5.6.11");
    assertThat(s.effects).anyMatch(e -> e instanceof Effect.AbortMessage);
  }

  @Test
  void bdatChunks_areAcknowledged_andLastOneQueues() {
    ScriptedSession s = authenticated();
    List<Response> r = s.send("MAIL FROM:<a@clinic.test> BODY=8BITMIME", "RCPT TO:<b@x.test>", "BDAT 100", "BDAT 50 LAST");
    assertThat(r).extracting(Response::toWire).containsExactly("250 2.1.0 Sender ok\r\n", "250 2.1.5 Recipient ok\r\n",
        "250 2.0.0 100 octets received\r\n", r.get(3).toWire());
    assertThat(r.get(3).toWire()).startsWith("250 2.0.0 Ok: queued as");
    assertThat(s.chunkBytesRead).isEqualTo(150);
  }

  @Test
  void dataAfterBdat_isRefusedWith_503() {
    ScriptedSession s = authenticated();
    assertThat(s.send("MAIL FROM:<a@clinic.test>", "RCPT TO:<b@x.test>", "BDAT 10", "DATA").get(3).code()).isEqualTo(503);
  }

  @Test
  void binaryMime_isNeitherOffered_norAccepted_with_555_5_5_4() {
    ScriptedSession s = authenticated();
    assertThat(s.send("EHLO esp.test").get(0).toWire()).contains("CHUNKING").doesNotContain("BINARYMIME");
    assertThat(s.send("MAIL FROM:<a@clinic.test> BODY=BINARYMIME").get(0).toWire()).startsWith("555 5.5.4 BODY=BINARYMIME not supported");
    assertThat(s.send("MAIL FROM:<a@clinic.test> BODY=8BITMIME").get(0).code()).isEqualTo(250);
  }

  @Test
  void bdatWithoutTransaction_stillReadsTheChunk_thenRefuses() {
    ScriptedSession s = authenticated();
    List<Response> r = s.send("BDAT 42");
    assertThat(s.chunkBytesRead).isEqualTo(42);
    assertThat(r.get(0).toWire()).startsWith("503 5.5.1");
  }

  @Test
  void bdatBeyondTheSizeLimit_readsTheChunk_thenRefusesWith_552() {
    ScriptedSession s = new ScriptedSession(SETTINGS, Tenants.withLimits("x", new TenantLimits(2, 1000, 5, 0)), true);
    s.send("EHLO esp.test", "AUTH PLAIN " + plain("limited", "secret"));
    List<Response> r = s.send("MAIL FROM:<a@limited.test>", "RCPT TO:<b@x.test>", "BDAT 600", "BDAT 600 LAST");
    assertThat(r.get(3).toWire()).startsWith("552 5.3.4");
    assertThat(s.chunkBytesRead).isEqualTo(1200);
    assertThat(s.state.tx()).isEmpty();
  }

  @Test
  void rset_abortsAnOpenChunkedMessage() {
    ScriptedSession s = authenticated();
    s.send("MAIL FROM:<a@clinic.test>", "RCPT TO:<b@x.test>", "BDAT 10", "RSET");
    assertThat(s.last().toWire()).isEqualTo("250 2.0.0 Ok\r\n");
    assertThat(s.effects).anyMatch(e -> e instanceof Effect.AbortMessage);
    assertThat(s.state.tx()).isEmpty();
  }

  @Test
  void vrfy_isAnsweredWith_252_2_5_2() {
    assertThat(plaintext().send("VRFY someone").get(0).toWire()).startsWith("252 2.5.2");
  }

  @Test
  void tooManyErrors_closeWith_421_4_7_0() {
    ScriptedSession s = plaintext();
    s.send("FOO", "BAR", "BAZ", "QUX", "ZAP");
    assertThat(s.last().toWire()).contains("421 4.7.0");
    assertThat(s.closed).isTrue();
  }

  @Test
  void lineTooLong_isAnsweredWith_500_5_5_6() {
    ScriptedSession s = plaintext();
    s.apply(new Input.LineTooLong());
    assertThat(s.last().toWire()).isEqualTo("500 5.5.6 Line too long\r\n");
  }

  @Test
  void shutdownWhileIdle_closesWith_421_4_3_2() {
    ScriptedSession s = authenticated();
    s.apply(new Input.Shutdown());
    assertThat(s.last().toWire()).isEqualTo("421 4.3.2 Service shutting down\r\n");
    assertThat(s.closed).isTrue();
  }

  @Test
  void shutdownDuringATransaction_letsItFinish_thenCloses() {
    ScriptedSession s = authenticated();
    s.send("MAIL FROM:<a@clinic.test>", "RCPT TO:<b@x.test>");
    s.apply(new Input.Shutdown());
    assertThat(s.closed).isFalse();
    List<Response> r = s.send("DATA");
    assertThat(r).extracting(Response::code).containsExactly(354, 250, 421);
    assertThat(s.closed).isTrue();
  }

  @Test
  void idleTimeout_closesWith_421_4_4_2() {
    ScriptedSession s = plaintext();
    s.apply(new Input.IdleTimeout());
    assertThat(s.last().toWire()).contains("421 4.4.2");
    assertThat(s.closed).isTrue();
  }

  @Test
  void quit_says_221_andCloses() {
    ScriptedSession s = plaintext();
    assertThat(s.send("QUIT").get(0).toWire()).isEqualTo("221 2.0.0 Bye\r\n");
    assertThat(s.closed).isTrue();
  }
}

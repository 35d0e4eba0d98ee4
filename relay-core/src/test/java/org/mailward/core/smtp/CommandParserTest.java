package org.mailward.core.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.mailward.api.MailParameters;
import org.mailward.api.Recipient;
import org.junit.jupiter.api.Test;

class CommandParserTest {

  @Test
  void mailWithAllParameters_isParsed() {
    SmtpCommand c = CommandParser.parse("mail from:<Alice@Clinic.Test> SIZE=1234 BODY=8BITMIME SMTPUTF8 REQUIRETLS RET=HDRS ENVID=abc+2Bdef");
    assertThat(c).isInstanceOf(SmtpCommand.Mail.class);
    SmtpCommand.Mail m = (SmtpCommand.Mail) c;
    assertThat(m.reversePath().orElseThrow().asString()).isEqualTo("Alice@clinic.test");
    assertThat(m.parameters()).isEqualTo(new MailParameters(1234, MailParameters.BodyType.EIGHT_BIT_MIME, true, true,
        Optional.of(MailParameters.DsnReturn.HDRS), Optional.of("abc+def")));
  }

  @Test
  void nullSender_isParsedAsEmptyPath() {
    assertThat(((SmtpCommand.Mail) CommandParser.parse("MAIL FROM:<>")).reversePath()).isEmpty();
  }

  @Test
  void spaceAfterColon_isTolerated() {
    assertThat(CommandParser.parse("MAIL FROM: <a@b.test>")).isInstanceOf(SmtpCommand.Mail.class);
  }

  @Test
  void unknownMailParameter_isMalformedWith_555() {
    SmtpCommand c = CommandParser.parse("MAIL FROM:<a@b.test> FOO=1");
    assertThat(c).isInstanceOf(SmtpCommand.Malformed.class);
    assertThat(((SmtpCommand.Malformed) c).reply().code()).isEqualTo(555);
  }

  @Test
  void badEnvidXtext_isMalformed() {
    assertThat(CommandParser.parse("MAIL FROM:<a@b.test> ENVID=a+ZZ")).isInstanceOf(SmtpCommand.Malformed.class);
  }

  @Test
  void rcptWithNotifyAndOrcpt_isParsed() {
    SmtpCommand.Rcpt r = (SmtpCommand.Rcpt) CommandParser.parse("RCPT TO:<b@x.test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;b+40x.test");
    assertThat(r.recipient().notifyOn()).containsExactlyInAnyOrder(Recipient.Notify.SUCCESS, Recipient.Notify.DELAY);
    assertThat(r.recipient().originalRecipient()).contains("rfc822;b+40x.test");
  }

  @Test
  void notifyNeverWithOthers_isMalformed() {
    assertThat(CommandParser.parse("RCPT TO:<b@x.test> NOTIFY=NEVER,SUCCESS")).isInstanceOf(SmtpCommand.Malformed.class);
  }

  @Test
  void badRecipientAddress_isMalformedWith_5_1_3() {
    SmtpCommand c = CommandParser.parse("RCPT TO:<not an address>");
    assertThat(((SmtpCommand.Malformed) c).reply().status()).isEqualTo("5.1.3");
  }

  @Test
  void bdatWithLast_isParsed() {
    assertThat(CommandParser.parse("BDAT 1000 LAST")).isEqualTo(new SmtpCommand.Bdat(1000, true));
    assertThat(CommandParser.parse("BDAT 0")).isEqualTo(new SmtpCommand.Bdat(0, false));
    assertThat(CommandParser.parse("BDAT -1")).isInstanceOf(SmtpCommand.Malformed.class);
    assertThat(CommandParser.parse("BDAT 10 FIRST")).isInstanceOf(SmtpCommand.Malformed.class);
  }

  @Test
  void controlCharacters_areMalformed() {
    assertThat(CommandParser.parse("EHLO a\0b")).isInstanceOf(SmtpCommand.Malformed.class);
  }

  @Test
  void unknownVerb_isUnknown() {
    assertThat(CommandParser.parse("EXPN list")).isInstanceOf(SmtpCommand.Unknown.class);
  }

  @Test
  void xtextRoundTrips() {
    assertThat(Xtext.decode(Xtext.encode("a+b=c d é"))).contains("a+b=c d é");
    assertThat(Xtext.decode("a+4")).isEmpty();
  }
}

package org.mailward.core.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.mailward.api.MessageId;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.SmtpReply;
import org.mailward.core.testing.Tenants;
import org.junit.jupiter.api.Test;

/**
 * Seeded random fuzzing of the parser and the state machine, for a bounded time
 * ({@code -Dmailward.fuzz.seconds}, default 20). Lines are built from the real
 * grammar, then mutated; results of effects arrive, and sometimes arrive out of
 * place. No exception may escape, every reply must be well formed, and no mail
 * transaction may ever open without TLS and AUTH.
 */
class SmtpProtocolFuzzTest {
  private static final Pattern WIRE_LINE = Pattern.compile("[2-5][0-9][0-9][ -]([245]\\.[0-9]{1,3}\\.[0-9]{1,3} )?[^\r\n]*\r\n");
  private static final String[] VERBS = {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP",
      "QUIT", "VRFY", "HELP", "EXPN", "ehlo", "mail", "rcpt", "bdat"};
  private static final String[] FRAGMENTS = {" FROM:<a@clinic.test>", " TO:<b@x.test>", " FROM:<>", " SIZE=", " BODY=8BITMIME",
      " BODY=BINARYMIME", " SMTPUTF8", " REQUIRETLS", " RET=FULL", " ENVID=x+2B", " NOTIFY=NEVER", " NOTIFY=SUCCESS,DELAY",
      " ORCPT=rfc822;a+40b", " PLAIN", " LOGIN", " LAST", " 10", " 0", " 99999999999", " esp.test", " <", ">", "@", "\"",
      " FROM:<jörg@clinic.test>", " TO:<@r1,@r2:x@y.test>", " =", " *", " AGFwaWtleQBzZWNyZXQ=", " TO:<refuse@x.test>",
      "\t", "\0", "\u0085", "é", " FROM:<a@other.test>", " FROM:<a@[127.0.0.1]>", " SIZE=99999999999999999999"};

  @Test
  void randomSessions_neverThrow_andAlwaysAnswerWellFormedReplies() {
    long seconds = Integer.getInteger("mailward.fuzz.seconds", 20);
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    SplittableRandom random = new SplittableRandom(0x5EED_2026L);
    ProtocolSettings settings = new ProtocolSettings("mx.mailward.test", 100_000, 5, 8);
    long steps = 0;
    long sessions = 0;
    while (System.nanoTime() < deadline && steps < 50_000_000L) {
      sessions++;
      ScriptedSession s = new ScriptedSession(settings, Tenants.clinic("x"), random.nextBoolean());
      if (random.nextInt(3) == 0) {
        s.send("EHLO fuzz.test", "AUTH PLAIN AGFwaWtleQBzZWNyZXQ=");
        s.state = new SessionState(s.state.phase(), true, s.state.esmtp(), s.state.heloName(), s.state.tenant(),
            s.state.loginUser(), s.state.tx(), s.state.pending(), s.state.deferredReply(), s.state.errors(), s.state.closing());
      }
      for (int i = 0; i < 40 && !s.closed; i++, steps++) {
        Input input = random.nextInt(10) == 0 ? randomEvent(random) : new Input.Line(randomLine(random));
        int before = s.replies.size();
        try {
          s.apply(input);
        } catch (RuntimeException e) {
          fail("seed session " + sessions + " step " + i + " input " + input + " state " + s.state.phase(), e);
        }
        for (Response r : s.replies.subList(before, s.replies.size())) {
          for (String line : r.toWire().split("(?<=\r\n)")) {
            assertThat(line).matches(WIRE_LINE);
          }
          if (r.status().isEmpty()) {
            assertThat(r.code()).isIn(220, 250, 334, 354);
          }
        }
        if (s.state.tx().isPresent()) {
          assertThat(s.state.tenant()).as("transaction without AUTH").isPresent();
          assertThat(s.state.tls()).as("transaction without TLS").isTrue();
        }
      }
    }
    System.out.printf("fuzz: %d sessions, %d inputs in %d s%n", sessions, steps, seconds);
    assertThat(steps).isPositive();
  }

  private static String randomLine(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    int kind = r.nextInt(10);
    if (kind < 7) {
      sb.append(VERBS[r.nextInt(VERBS.length)]);
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        sb.append(FRAGMENTS[r.nextInt(FRAGMENTS.length)]);
        if (r.nextInt(4) == 0) {
          sb.append(r.nextInt(200_000));
        }
      }
    } else if (kind < 9) {
      int n = r.nextInt(60);
      for (int i = 0; i < n; i++) {
        sb.append((char) r.nextInt(r.nextBoolean() ? 128 : 0x3000));
      }
    } else {
      sb.append(FRAGMENTS[r.nextInt(FRAGMENTS.length)].strip());
    }
    if (r.nextInt(8) == 0 && sb.length() > 0) {
      int at = r.nextInt(sb.length());
      sb.setCharAt(at, (char) r.nextInt(256));
    }
    return sb.toString();
  }

  private static Input randomEvent(SplittableRandom r) {
    SmtpReply some = r.nextBoolean() ? SmtpReply.of(451, "4.3.0", "x") : SmtpReply.of(250, "2.0.0", "y");
    return switch (r.nextInt(11)) {
      case 0 -> new Input.LineTooLong();
      case 1 -> new Input.AuthDecided(Optional.empty(), SmtpReply.of(535, "5.7.8", "no"));
      case 2 -> new Input.MailDecided(Optional.of(new MessageId(r.nextLong(), r.nextLong())), Optional.empty());
      case 3 -> new Input.RecipientDecided(new RecipientVerdict.Accept("x"));
      case 4 -> new Input.MessageOpened(Optional.empty());
      case 5 -> new Input.DataEnded(Optional.empty());
      case 6 -> new Input.ChunkEnded(Optional.empty());
      case 7 -> new Input.MessageFinished(some);
      case 8 -> new Input.Shutdown();
      case 9 -> new Input.IdleTimeout();
      default -> new Input.MailDecided(Optional.empty(), Optional.of(some));
    };
  }

  @Test
  void everyFragmentAlone_parsesWithoutException() {
    for (String v : VERBS) {
      for (String f : FRAGMENTS) {
        assertThat(CommandParser.parse(v + f)).isNotNull();
      }
    }
    assertThat(List.of(FRAGMENTS)).isNotEmpty();
  }
}

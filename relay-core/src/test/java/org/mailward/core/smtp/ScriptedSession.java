package org.mailward.core.smtp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.mailward.api.MessageId;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.SmtpReply;
import org.mailward.api.Tenant;

/**
 * Drives {@link SmtpProtocol} synchronously the way the Netty handler does,
 * with canned answers for each effect: password "secret" is right, recipients
 * whose local part starts with "refuse" are refused, data and chunks succeed.
 */
final class ScriptedSession {
  final SmtpProtocol protocol;
  final Tenant tenant;
  SessionState state;
  final List<Response> replies = new ArrayList<>();
  final List<Effect> effects = new ArrayList<>();
  boolean closed;
  boolean tlsStarted;
  Optional<SmtpReply> dataFailure = Optional.empty();
  long chunkBytesRead;
  private final SplittableRandom random = new SplittableRandom(1);

  ScriptedSession(ProtocolSettings settings, Tenant tenant, boolean tls) {
    this.protocol = new SmtpProtocol(settings);
    this.tenant = tenant;
    this.state = SessionState.initial(tls);
  }

  /** Sends lines and returns the replies they produced. */
  List<Response> send(String... lines) {
    int before = replies.size();
    for (String l : lines) {
      apply(new Input.Line(l));
    }
    return new ArrayList<>(replies.subList(before, replies.size()));
  }

  Response last() {
    return replies.get(replies.size() - 1);
  }

  void apply(Input input) {
    Deque<Input> todo = new ArrayDeque<>();
    todo.add(input);
    while (!todo.isEmpty()) {
      Step step = protocol.on(state, todo.poll());
      state = step.state();
      for (Effect e : step.effects()) {
        effects.add(e);
        answer(e).ifPresent(todo::add);
      }
    }
  }

  private Optional<Input> answer(Effect e) {
    if (e instanceof Effect.Send s) {
      replies.add(s.response());
    } else if (e instanceof Effect.Close) {
      closed = true;
    } else if (e instanceof Effect.StartTls) {
      tlsStarted = true;
    } else if (e instanceof Effect.VerifyCredentials v) {
      boolean ok = v.username().equals(tenant.smtpUsername()) && Arrays.equals(v.password(), "secret".toCharArray());
      return Optional.of(ok ? new Input.AuthDecided(Optional.of(tenant), SmtpReply.of(235, "2.7.0", "Authentication successful"))
          : new Input.AuthDecided(Optional.empty(), SmtpReply.of(535, "5.7.8", "Authentication credentials invalid")));
    } else if (e instanceof Effect.AdmitMail) {
      return Optional.of(new Input.MailDecided(Optional.of(MessageId.generate(1_700_000_000_000L, random)), Optional.empty()));
    } else if (e instanceof Effect.CheckRecipient c) {
      return Optional.of(new Input.RecipientDecided(c.recipient().address().localPart().startsWith("refuse")
          ? new RecipientVerdict.Refuse(SmtpReply.of(550, "5.7.1", "Recipient refused by policy"), "test.refuse")
          : new RecipientVerdict.Accept("test.accept")));
    } else if (e instanceof Effect.OpenMessage) {
      return Optional.of(new Input.MessageOpened(Optional.empty()));
    } else if (e instanceof Effect.ReceiveData) {
      return Optional.of(new Input.DataEnded(dataFailure));
    } else if (e instanceof Effect.ReceiveChunk c) {
      chunkBytesRead += c.size();
      return Optional.of(new Input.ChunkEnded(Optional.empty()));
    } else if (e instanceof Effect.FinishMessage f) {
      return Optional.of(new Input.MessageFinished(SmtpReply.of(250, "2.0.0", "Ok: queued as " + f.transaction().messageId())));
    }
    return Optional.empty();
  }
}

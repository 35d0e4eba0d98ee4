package org.mailward.core.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.mailward.api.MessageVerdict;
import org.mailward.api.PolicyEngine;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientVerdict;
import org.mailward.api.RuleHit;
import org.mailward.api.SecurityLevel;
import org.mailward.api.SmtpReply;
import org.mailward.api.Transaction;

/**
 * Allow-all policy with a few rules driven by the test data: recipients whose
 * local part starts with "refuse" are refused (550 5.7.1), "slow" never get an
 * answer (timeout), "drop" are dropped after DATA; a message whose first 64 KiB
 * contain "X-Test-Refuse: yes" is refused (554 5.7.1).
 */
public final class TestPolicyEngine implements PolicyEngine {
  public final AtomicLong bytesInspected = new AtomicLong();
  public volatile SecurityLevel requiredLevel = SecurityLevel.ENCRYPT;

  @Override
  public CompletionStage<RecipientVerdict> onRecipient(Transaction transaction, Recipient recipient) {
    String local = recipient.address().localPart();
    if (local.startsWith("refuse")) {
      return CompletableFuture.completedFuture(new RecipientVerdict.Refuse(SmtpReply.of(550, "5.7.1", "Recipient refused by policy"), "test.refused"));
    }
    if (local.startsWith("slow")) {
      return new CompletableFuture<>();
    }
    return CompletableFuture.supplyAsync(() -> new RecipientVerdict.Accept("test.allowed"));
  }

  @Override
  public MessageInspection inspect(Transaction transaction) {
    return new MessageInspection() {
      final ByteArrayOutputStream head = new ByteArrayOutputStream();

      @Override
      public void feed(ByteBuffer chunk) {
        bytesInspected.addAndGet(chunk.remaining());
        if (head.size() < 65536) {
          byte[] b = new byte[Math.min(chunk.remaining(), 65536 - head.size())];
          chunk.get(b);
          head.writeBytes(b);
        }
      }

      @Override
      public CompletionStage<MessageVerdict> finish(List<Recipient> accepted) {
        if (head.toString(StandardCharsets.UTF_8).contains("X-Test-Refuse: yes")) {
          return CompletableFuture.completedFuture(new MessageVerdict.Refuse(SmtpReply.of(554, "5.7.1", "Message refused by policy"),
              "test.content", List.of(new RuleHit("test.content", 1))));
        }
        List<MessageVerdict.Dropped> dropped = new ArrayList<>();
        for (int i = 0; i < accepted.size(); i++) {
          if (accepted.get(i).address().localPart().startsWith("drop")) {
            dropped.add(new MessageVerdict.Dropped(i, "test.dropped"));
          }
        }
        return CompletableFuture.supplyAsync(() -> new MessageVerdict.Accept(Purpose.TREATMENT, dropped, requiredLevel, List.of(), false,
            List.of(new RuleHit("test.scan", 1))));
      }

      @Override
      public void abort() {
        head.reset();
      }
    };
  }
}

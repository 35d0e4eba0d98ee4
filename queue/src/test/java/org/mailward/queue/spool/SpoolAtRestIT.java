package org.mailward.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mailward.testkit.DataDirectoryScan;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.EmailAddress;
import org.mailward.api.Envelope;
import org.mailward.api.MailParameters;
import org.mailward.api.MessageId;
import org.mailward.api.MessageWriter;
import org.mailward.api.Purpose;
import org.mailward.api.Recipient;
import org.mailward.api.RecipientOutcome;
import org.mailward.api.SecurityLevel;
import org.mailward.api.SmtpReply;
import org.mailward.api.Spool;
import org.mailward.api.TenantId;
import org.mailward.api.TlsFallback;
import org.mailward.queue.SpoolConfig;
import org.mailward.queue.rocks.RocksDatabase;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;

/**
 * Issue 15: after a small campaign (some recipients delivered, the rest waiting), a {@code strings}-style scan
 * of every file under the data directory — RocksDB's WAL, SST files after a flush and compaction, its LOG, the
 * Chronicle body and audit journals — finds none of the campaign's addresses (sender, recipients, ORCPT),
 * ENVID, subjects or bodies. The destination domain stays in clear for scheduling, and the scan does find it
 * (so it reads what the files hold), and the spool still reads every envelope back after a restart.
 */
class SpoolAtRestIT {
  private static final String DOMAIN = "lumen-clinic.test";
  @TempDir Path dir;

  @Test
  void afterACampaign_noAddressSubjectOrBody_isReadableAnywhereInTheDataDirectory() throws Exception {
    SecureRandom random = new SecureRandom();
    List<Envelope> sent = new ArrayList<>();
    // each field's marker: recipients' local parts, ORCPTs, sender, ENVID, subject, body
    List<String> secrets = new ArrayList<>(List.of("zrcptk", "zorigk", "zsendk", "zenvkq", "xsubjk", "xbodyk", "biopsy result",
        "oncology appointment"));
    SpoolConfig config = SpoolConfig.defaults(dir);
    try (SpoolStorage storage = RocksChronicleSpool.open(config, Clock.systemUTC())) {
      Spool spool = storage.spool();
      for (int i = 0; i < 20; i++) {
        MessageId id = MessageId.generate(System.currentTimeMillis(), random);
        Envelope env = envelope(id, i);
        String subject = "Subject: Your oncology appointment zq" + i + "xsubjk";
        String body = subject + "\r\n\r\nDear patient zq" + i + "xbodyk, your biopsy result is ready.\r\n";
        if (i == 0) { // whole strings once; the markers below are in every instance of each field
          env.recipients().forEach(r -> secrets.add(r.address().asString()));
          env.recipients().forEach(r -> r.originalRecipient().ifPresent(secrets::add));
          secrets.add(env.reversePath().orElseThrow().asString());
          secrets.add(env.parameters().envelopeId().orElseThrow());
        }
        MessageWriter w = spool.begin(id);
        w.write(ByteBuffer.wrap(body.getBytes(StandardCharsets.US_ASCII)));
        w.commit(env, List.of()).toCompletableFuture().get();
        sent.add(env);
      }
      // half the campaign is delivered to its first recipient, a quarter finished entirely
      List<Spool.Settlement> settlements = new ArrayList<>();
      for (Spool.DueRecipient d : spool.claimDue(Instant.now().plusSeconds(1), 1000)) {
        int n = sent.stream().filter(e -> e.id().equals(d.ref().messageId())).findFirst().orElseThrow().recipients().size();
        if (d.ref().index() == 0 || n == 1) {
          settlements.add(new Spool.Settlement(d.ref(), new RecipientOutcome.Delivered(SmtpReply.of(250, "2.0.0", "ok"), null)));
        }
      }
      spool.settle(settlements).toCompletableFuture().get();

      assertNoSecretIn(dir, secrets, "before a flush (WAL, memtable)");
      RocksDatabase db = storage.database();
      try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
        for (RocksDatabase.Family f : RocksDatabase.Family.values()) {
          ColumnFamilyHandle h = db.handle(f);
          db.db().flush(flush, h);
          db.db().compactRange(h);
        }
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(p -> p.toString().endsWith(".sst")).count()).as("SST files after the flush").isPositive();
    }
    assertNoSecretIn(dir, secrets, "after flush, compaction and close");
    assertThat(DataDirectoryScan.scan(dir, List.of(DOMAIN))).as("the destination domain (kept in clear for scheduling) is found by the scan")
        .containsKey(DOMAIN);

    try (SpoolStorage storage = RocksChronicleSpool.open(config, Clock.systemUTC())) {
      int readable = 0;
      for (Envelope e : sent) {
        Optional<Envelope> back = storage.spool().envelope(e.id());
        if (back.isPresent()) {
          assertThat(back.get()).isEqualTo(e);
          readable++;
        }
      }
      assertThat(readable).as("unfinished messages whose envelope reads back after the restart").isPositive();
    }
  }

  private static Envelope envelope(MessageId id, int i) {
    List<Recipient> rcpts = new ArrayList<>();
    for (int r = 0; r < 1 + i % 3; r++) {
      rcpts.add(new Recipient(new EmailAddress("pat" + i + "x" + r + "zrcptk", DOMAIN),
          Set.of(Recipient.Notify.FAILURE), Optional.of("rfc822;orcpt" + i + "x" + r + "zorigk@" + DOMAIN)));
    }
    return new Envelope(id, new TenantId("clinic"), Optional.of(new EmailAddress("front.desk" + i + "zsendk", "sender.test")),
        new MailParameters(0, MailParameters.BodyType.EIGHT_BIT_MIME, false, false,
            Optional.of(MailParameters.DsnReturn.HDRS), Optional.of("envid" + i + "zenvkq")),
        rcpts, Purpose.TREATMENT, SecurityLevel.ENCRYPT, TlsFallback.PORTAL, List.of(), false,
        Instant.parse("2026-11-02T10:15:30Z"), "sess-" + i);
  }

  private static void assertNoSecretIn(Path root, List<String> secrets, String when) throws IOException {
    Map<String, List<Path>> hits = DataDirectoryScan.scan(root, secrets);
    assertThat(hits).as("files holding a secret %s", when).isEmpty();
  }
}

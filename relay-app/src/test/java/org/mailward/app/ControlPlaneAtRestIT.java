package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.app.config.ConfigLoader;
import org.mailward.testkit.DataDirectoryScan;
import org.mailward.queue.crypto.MasterKey;
import org.mailward.queue.rocks.RocksDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;

/**
 * Issue 15, the control plane: after a consent import, a grant, a revocation and a suppression
 * made through the admin API of a running relay, a {@code strings}/{@code grep}-style scan of every
 * file under the data directory — RocksDB's WAL, SST files after a flush and compaction, MANIFEST
 * and LOG, the Chronicle journals, key files — and of the relay's own log output finds none of the
 * addresses (the import file's rows included). The scan does find the import job's id
 * (kept in clear in the same record) in the WAL, so it reads what the files hold; and after a restart the log
 * replays and the API still answers for each address, so the sealed records are readable with the keys.
 * RocksDB's WAL is written uncompressed, so the first scan is the strict one; SST blocks are
 * Snappy-compressed (RocksDB's default), where a literal may be split by back-references.
 *
 * <p>A data directory an earlier release wrote in clear (a format-1 control-plane entry naming an
 * address, an authorization whose evidence names a person, with its change event — built here byte
 * by byte as that release wrote them) is sealed and compacted when the relay starts: afterwards no
 * file holds the address or the evidence, and the records still read.
 */
class ControlPlaneAtRestIT {
  @TempDir Path dir;

  @Test
  void consentAndSuppressionChanges_leaveNoAddressReadableInTheDataDirectory() throws Exception {
    // each address's local part is a marker of its own, so a hit names the change that leaked it
    String imported = "zqimportann@atrest-patients.test";
    String granted = "zqgrantbob@atrest-patients.test";
    String suppressed = "zqsuppcat@atrest-patients.test";
    // consent evidence is sealed in the log and in policy's consent store: its markers are secrets too
    List<String> secrets = List.of(imported, granted, suppressed, "zqimportann", "zqgrantbob", "zqsuppcat",
        "atrest-patients", "zqrowevidence", "zqevidencekey");
    Path config = TestRelays.write(dir, 0, "marketing", "", "");
    var cfg = new ConfigLoader().load(config, Map.of());
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    String jobId;
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      AdminHttp api = new AdminHttp(relay.listeners().get("admin"));
      String compliance = new AdminTokens(dir.resolve("data/keys/admin-tokens"), Clock.systemUTC())
          .create(Role.COMPLIANCE, Optional.empty()).token();
      LocalDate today = LocalDate.now();
      String csv = "email,purposes,granted_at,expires_at,evidence\n"
          + imported + ",marketing," + today.minusDays(1) + "," + today.plusDays(300) + ",zqrowevidence\n";
      JsonNode job = ConsentAdminIT.awaitJob(api, compliance,
          api.call("POST", "/api/v1/tenants/clinic/consent/imports?format=csv", compliance, csv, "text/csv"));
      assertThat(job.get("state").asText()).isEqualTo("imported");
      jobId = job.get("id").asText();
      assertThat(api.call("PUT", "/api/v1/tenants/clinic/consent/" + granted, compliance,
          "{\"purposes\":[\"marketing\"],\"evidence\":\"zqevidencekey\",\"expiresAt\":\"" + today.plusDays(30) + "\"}")
          .status()).isEqualTo(200);
      assertThat(api.call("DELETE", "/api/v1/tenants/clinic/consent/" + imported, compliance, null).status()).isEqualTo(200);
      assertThat(api.call("POST", "/api/v1/tenants/clinic/suppressions", compliance,
          "{\"address\":\"" + suppressed + "\",\"reason\":\"complaint\"}").status()).isEqualTo(201);

      assertNoSecretIn(dir.resolve("data"), secrets, "with the relay running (WAL, memtable)");
      assertThat(DataDirectoryScan.scan(dir.resolve("data"), List.of(jobId))).as("the import id, in clear in the same record, is found in the WAL")
          .containsKey(jobId);
    }
    Path rocks;
    try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
      rocks = files.filter(p -> p.getFileName().toString().equals("rocksdb") && Files.isDirectory(p)).findFirst().orElseThrow();
    }
    try (RocksDatabase db = RocksDatabase.open(rocks); FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      for (RocksDatabase.Family f : RocksDatabase.Family.values()) { // memtable to SST files, then merged
        db.db().flush(flush, db.handle(f));
        db.db().compactRange(db.handle(f));
      }
    }
    try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
      assertThat(files.filter(p -> p.toString().endsWith(".sst")).count()).as("SST files after the flush").isPositive();
    }
    assertNoSecretIn(dir.resolve("data"), secrets, "after flush, compaction and close");
    assertThat(importFilesHolding(secrets)).as("import files left in clear").isEmpty();

    // the keys open what the log holds: a restart replays it and each address's state is as the changes left it
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      AdminHttp api = new AdminHttp(relay.listeners().get("admin"));
      String compliance = new AdminTokens(dir.resolve("data/keys/admin-tokens"), Clock.systemUTC())
          .create(Role.COMPLIANCE, Optional.empty()).token();
      assertThat(api.call("GET", "/api/v1/tenants/clinic/consent/" + imported, compliance, null).json()
          .at("/authorization/state").asText()).isEqualTo("revoked");
      assertThat(api.call("GET", "/api/v1/tenants/clinic/consent/" + granted, compliance, null).json()
          .at("/authorization/state").asText()).isEqualTo("valid");
      assertThat(api.call("GET", "/api/v1/tenants/clinic/suppressions/" + suppressed, compliance, null).json()
          .at("/suppressions/marketing/reason").asText()).isEqualTo("complaint");
    }
    String log = printed.toString(StandardCharsets.UTF_8);
    assertThat(secrets).as("the relay's log output").noneMatch(log::contains);
  }

  @Test
  void afterAMasterKeyRotation_theOldKeyGoesOnlyOnceTheLogIsRewrapped_andEveryRecordStillOpens() throws Exception {
    Path config = TestRelays.write(dir, 0, "marketing", "", "spool:\n  masterKeyCheckInterval: 200ms\n");
    var cfg = new ConfigLoader().load(config, Map.of());
    LocalDate today = LocalDate.now();
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      AdminHttp api = new AdminHttp(relay.listeners().get("admin"));
      String compliance = new AdminTokens(dir.resolve("data/keys/admin-tokens"), Clock.systemUTC())
          .create(Role.COMPLIANCE, Optional.empty()).token();
      assertThat(api.call("PUT", "/api/v1/tenants/clinic/consent/zqrotate@atrest-patients.test", compliance,
          "{\"purposes\":[\"marketing\"],\"evidence\":\"form-9\",\"expiresAt\":\"" + today.plusDays(30) + "\"}")
          .status()).isEqualTo(200);
    }
    Path keyFile = dir.resolve("data/keys/master.key");
    String oldKey = MasterKey.loadOrCreate(keyFile, new java.security.SecureRandom()).activeKeyId();
    assertThat(new picocli.CommandLine(new Main()).execute("keys", "rotate-master", "--config", config.toString())).isZero();

    // the spool holds no message: only the log's sealed records still name the old key until the pass re-wraps them
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (Files.readString(keyFile).contains(oldKey) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(Files.readString(keyFile)).as("the old master key is destroyed within 30 s").doesNotContain(oldKey);
    }
    // every log entry opens with the keys that are left (decode throws on a data key nobody can unwrap)
    Path rocks;
    try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
      rocks = files.filter(p -> p.getFileName().toString().equals("rocksdb") && Files.isDirectory(p)).findFirst().orElseThrow();
    }
    List<org.mailward.api.ChangeRecord> seen = new ArrayList<>();
    try (var kv = org.mailward.queue.rocks.RocksKeyValueStore.open(rocks)) {
      var random = new java.security.SecureRandom();
      var codec = new org.mailward.admin.controlplane.ChangeCodec(
          new org.mailward.admin.controlplane.RecordSeal(MasterKey.loadOrCreate(keyFile, random), random),
          new org.mailward.api.Redactor(Files.readAllBytes(dir.resolve("data/keys/redactor.key"))));
      new org.mailward.admin.controlplane.KeyValueControlPlaneLog(kv, Clock.systemUTC(), codec).subscribe(0, e -> seen.add(e.change()));
    }
    assertThat(seen).anySatisfy(c -> assertThat(c).isInstanceOf(org.mailward.api.ChangeRecord.ConsentGranted.class));
  }

  @Test
  void aDataDirectoryAnEarlierReleaseWroteInClear_holdsNoAddressOrEvidenceOnceTheRelayHasStarted() throws Exception {
    String consented = "zqoldconsent@atrest-patients.test";
    String suppressed = "zqoldsupp@atrest-patients.test";
    String evidence = "signed form, Zqjane Qdoe, 2026-01-02";
    List<String> secrets = List.of(consented, suppressed, "zqoldconsent", "zqoldsupp", "atrest-patients", "Zqjane Qdoe");
    Path config = TestRelays.write(dir, 0, "marketing", "", "");
    var cfg = new ConfigLoader().load(config, Map.of());
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      assertThat(relay.listeners()).containsKey("admin"); // lays out the data directory and its keys
    }
    Path rocks = rocksDirectory();
    var redactor = new org.mailward.api.Redactor(Files.readAllBytes(dir.resolve("data/keys/redactor.key")));
    var clinic = new org.mailward.api.TenantId("clinic");
    var address = org.mailward.api.EmailAddress.parse(consented, false).orElseThrow();
    byte[] hash = redactor.hash("clinic\n" + address.normalized());
    try (RocksDatabase db = RocksDatabase.open(rocks)) {
      var kv = new org.mailward.queue.rocks.RocksKeyValueStore(db);
      long[] last = {0};
      kv.scan(org.mailward.admin.controlplane.KeyValueControlPlaneLog.NAMESPACE, new byte[0], null, (k, v) -> {
        last[0] = java.nio.ByteBuffer.wrap(k).getLong();
        return true;
      });
      long version = last[0] + 1;
      String entry = "{\"v\":1,\"version\":" + version + ",\"at\":\"2026-01-01T00:00:00Z\",\"actor\":\"token:t1\","
          + "\"type\":\"suppression.added\",\"change\":{\"tenant\":\"clinic\",\"address\":\"" + suppressed
          + "\",\"reason\":\"manual\",\"purposes\":[\"marketing\"]}}";
      byte[] record = formatOneAuthorization(evidence);
      kv.write(org.mailward.api.KeyValueStore.Batch.builder()
          .put(org.mailward.admin.controlplane.KeyValueControlPlaneLog.NAMESPACE,
              java.nio.ByteBuffer.allocate(8).putLong(version).array(), entry.getBytes(StandardCharsets.UTF_8))
          .put(org.mailward.policy.consent.ConsentStore.AUTHORIZATIONS, storeKey(hash), record)
          .put(org.mailward.policy.consent.ConsentStore.CHANGES, new byte[16], formatOneChange(hash, record))
          .build());
    }
    assertThat(DataDirectoryScan.scan(dir.resolve("data"), List.of(suppressed, "Zqjane Qdoe")))
        .as("the earlier release's records, in clear").containsKeys(suppressed, "Zqjane Qdoe");

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (Relay relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      AdminHttp api = new AdminHttp(relay.listeners().get("admin"));
      String compliance = new AdminTokens(dir.resolve("data/keys/admin-tokens"), Clock.systemUTC())
          .create(Role.COMPLIANCE, Optional.empty()).token();
      JsonNode looked = api.call("GET", "/api/v1/tenants/clinic/consent/" + consented, compliance, null).json();
      assertThat(looked.at("/authorization/state").asText()).isEqualTo("valid");
      assertThat(looked.at("/authorization/evidence").asText()).as("the sealed evidence, opened").isEqualTo(evidence);
      assertThat(api.call("GET", "/api/v1/tenants/clinic/suppressions/" + suppressed, compliance, null).json()
          .at("/suppressions/marketing/reason").asText()).isEqualTo("manual");
      assertNoSecretIn(dir.resolve("data"), secrets, "with the relay running, after the start's migrations");
    }
    assertNoSecretIn(dir.resolve("data"), secrets, "after the relay stopped");
    assertThat(secrets).as("the relay's log output").noneMatch(printed.toString(StandardCharsets.UTF_8)::contains);
    try (RocksDatabase db = RocksDatabase.open(rocks)) { // the sealed evidence opens with the node's redactor key
      var registry = new org.mailward.policy.consent.ConsentRegistry(new org.mailward.policy.consent.ConsentStore(
          new org.mailward.queue.rocks.RocksKeyValueStore(db), redactor, Clock.systemUTC()));
      assertThat(registry.find(clinic, address).orElseThrow().evidence()).isEqualTo(evidence);
      List<String> marks = new ArrayList<>();
      new org.mailward.queue.rocks.RocksKeyValueStore(db).scan(org.mailward.api.KeyValueStore.PURGE_PENDING, new byte[0],
          null, (k, v) -> marks.add(new String(k, StandardCharsets.UTF_8)));
      assertThat(marks).as("purge marks left after the purge").isEmpty();
    }
  }

  private Path rocksDirectory() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
      return files.filter(p -> p.getFileName().toString().equals("rocksdb") && Files.isDirectory(p)).findFirst().orElseThrow();
    }
  }

  private static byte[] storeKey(byte[] hash) {
    return java.nio.ByteBuffer.allocate(7 + hash.length).put("clinic".getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
        .put(hash).array();
  }

  /** An authorization as releases before issue 15 stored it (record format 1): the evidence as given. */
  private static byte[] formatOneAuthorization(String evidence) throws IOException {
    java.time.Instant now = java.time.Instant.now();
    return bytes(out -> {
      out.writeByte(1);
      out.writeLong(1);
      out.writeLong(now.toEpochMilli());
      out.writeByte(1 << org.mailward.api.Purpose.MARKETING.ordinal());
      out.writeLong(now.minusSeconds(3600).toEpochMilli());
      out.writeLong(now.plusSeconds(86400 * 30).toEpochMilli());
      out.writeLong(Long.MIN_VALUE);
      out.writeUTF(evidence);
      out.writeUTF("import");
    });
  }

  /** The change event that release wrote beside it (type, tenant, hash, version, record). */
  private static byte[] formatOneChange(byte[] hash, byte[] record) throws IOException {
    return bytes(out -> {
      out.writeByte(1);
      out.writeUTF("authorization");
      out.writeUTF("clinic");
      out.write(hash);
      out.writeLong(1);
      out.writeInt(record.length);
      out.write(record);
    });
  }

  private interface Writer {
    void write(java.io.DataOutputStream out) throws IOException;
  }

  private static byte[] bytes(Writer w) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(b)) {
      w.write(out);
    }
    return b.toByteArray();
  }

  /** Consent import files in the directory the applier uses that still hold a secret. */
  private static List<Path> importFilesHolding(List<String> secrets) throws IOException {
    Path d = org.mailward.admin.controlplane.ConsentApplier.importDirectory();
    List<Path> left = new ArrayList<>();
    try (var files = Files.newDirectoryStream(d, "mailward-import-*")) {
      for (Path f : files) {
        String content = Files.readString(f, StandardCharsets.ISO_8859_1);
        if (secrets.stream().anyMatch(content::contains)) {
          left.add(f);
        }
      }
    }
    return left;
  }

  private static void assertNoSecretIn(Path root, List<String> secrets, String when) throws IOException {
    assertThat(DataDirectoryScan.scan(root, secrets)).as("files holding a secret %s", when).isEmpty();
  }
}

package org.mailward.policy.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailward.policy.PolicyFixtures.CLINIC;
import static org.mailward.policy.PolicyFixtures.NOW;
import static org.mailward.policy.PolicyFixtures.address;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.Purpose;
import org.mailward.policy.PolicyFixtures;
import org.mailward.policy.consent.ConsentImporter.Format;
import org.mailward.policy.consent.ConsentImporter.ImportReport;
import org.mailward.policy.consent.ConsentImporter.RowError;
import org.mailward.queue.rocks.RocksKeyValueStore;

class ConsentImporterTest {
  @TempDir Path dir;
  RocksKeyValueStore kv;
  ConsentStore store;
  ConsentImporter importer;
  ConsentRegistry registry;

  @BeforeEach
  void open() {
    kv = RocksKeyValueStore.open(dir.resolve("kv"));
    store = new ConsentStore(kv, PolicyFixtures.REDACTOR, Clock.fixed(NOW, ZoneOffset.UTC));
    importer = new ConsentImporter(store);
    registry = new ConsentRegistry(store);
  }

  @AfterEach
  void close() {
    kv.close();
  }

  @Test
  void csvOf25000Rows_isStreamedIn_withProgress_andEveryRowReadable() throws Exception {
    Path csv = dir.resolve("consent.csv");
    try (BufferedWriter w = Files.newBufferedWriter(csv)) {
      w.write("email,purposes,granted_at,expires_at,evidence,source\n");
      for (int i = 0; i < 25_000; i++) {
        w.write("p" + i + "@example.net,marketing;fundraising,2026-01-01,2027-01-01,\"doc-" + i + "\",crm\n");
      }
    }
    List<Long> progress = new ArrayList<>();
    ImportReport report = importer.importFile(CLINIC, csv, Format.CSV, (phase, rows) -> progress.add(rows));
    assertThat(report.imported()).isTrue();
    assertThat(report.rows()).isEqualTo(25_000);
    assertThat(report.written()).isEqualTo(25_000);
    assertThat(progress).contains(10_000L, 20_000L, 25_000L);
    Authorization a = registry.find(CLINIC, address("P24999@example.net")).orElseThrow();
    assertThat(a.purposes()).containsExactlyInAnyOrder(Purpose.MARKETING, Purpose.FUNDRAISING);
    assertThat(a.evidence()).isEqualTo("doc-24999");
    assertThat(a.validFor(Purpose.MARKETING, NOW)).isTrue();
  }

  @Test
  void badRows_areReportedWithLineNumbers_andNothingIsWritten() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "email,purposes,granted_at,expires_at,evidence\n"
        + "ok@example.net,marketing,2026-01-01,2027-01-01,doc-1\n"
        + "not-an-address,marketing,2026-01-01,2027-01-01,doc-2\n"
        + "x@example.net,marketing,2026-01-01,,doc-3\n"
        + "y@example.net,shopping,2026-01-01,2027-01-01,doc-4\n"
        + "z@example.net,treatment,yesterday,,doc-5\n");
    ImportReport report = importer.importFile(CLINIC, csv, Format.CSV, (p, r) -> { });
    assertThat(report.imported()).isFalse();
    assertThat(report.errorCount()).isEqualTo(4);
    assertThat(report.errors()).extracting(RowError::line).containsExactly(3L, 4L, 5L, 6L);
    assertThat(report.errors().get(1).reason()).contains("expiry");
    assertThat(report.errors()).allSatisfy(e -> assertThat(e.reason()).doesNotContain("example.net"));
    assertThat(registry.find(CLINIC, address("ok@example.net"))).isEmpty();
  }

  @Test
  void ndjson_isImported_withArrayOrStringPurposes() throws Exception {
    Path nd = dir.resolve("consent.ndjson");
    Files.writeString(nd, "{\"email\":\"a@example.net\",\"purposes\":[\"marketing\"],\"granted_at\":\"2026-01-01T00:00:00Z\","
        + "\"expires_at\":\"2027-01-01\",\"evidence\":\"sha256:ab12\"}\n"
        + "\n{\"email\":\"b@example.net\",\"purposes\":\"fundraising\",\"granted_at\":\"2026-02-01\",\"evidence\":\"doc-9\","
        + "\"source\":\"portal\"}\n");
    ImportReport report = importer.importFile(CLINIC, nd, Format.NDJSON, (p, r) -> { });
    assertThat(report.imported()).isTrue();
    assertThat(report.written()).isEqualTo(2);
    assertThat(registry.find(CLINIC, address("b@example.net")).orElseThrow().source()).isEqualTo("portal");
  }

  @Test
  void malformedJsonLine_isReportedWithItsLineNumber() throws Exception {
    Path nd = dir.resolve("bad.ndjson");
    Files.writeString(nd, "{\"email\":\"a@example.net\",\"purposes\":\"treatment\",\"granted_at\":\"2026-01-01\",\"evidence\":\"d\"}\n"
        + "{\"email\": oops\n");
    ImportReport report = importer.importFile(CLINIC, nd, Format.NDJSON, (p, r) -> { });
    assertThat(report.imported()).isFalse();
    assertThat(report.errors()).containsExactly(new RowError(2, "malformed JSON"));
  }

  @Test
  void importNeverUndoesALaterRevocation() throws Exception {
    registry.grant(CLINIC, address("r@example.net"), new ConsentRegistry.Grant(Set.of(Purpose.MARKETING),
        NOW.minusSeconds(86_400 * 30), java.util.Optional.of(NOW.plusSeconds(86_400)), "doc", "crm"));
    registry.revoke(CLINIC, address("r@example.net"), "patient");
    Path csv = dir.resolve("stale.csv");
    Files.writeString(csv, "email,purposes,granted_at,expires_at,evidence\nr@example.net,marketing,2026-01-01,2027-01-01,doc\n");
    ImportReport report = importer.importFile(CLINIC, csv, Format.CSV, (p, r) -> { });
    assertThat(report.keptRevoked()).isEqualTo(1);
    assertThat(registry.find(CLINIC, address("r@example.net")).orElseThrow().state(NOW)).isEqualTo(Authorization.State.REVOKED);
  }

  @Test
  void everyWrite_isVersioned() {
    var grant = new ConsentRegistry.Grant(Set.of(Purpose.FUNDRAISING), NOW.minusSeconds(60), java.util.Optional.empty(), "d", "s");
    assertThat(registry.grant(CLINIC, address("v@example.net"), grant).version()).isEqualTo(1);
    assertThat(registry.grant(CLINIC, address("v@example.net"), grant).version()).isEqualTo(2);
    assertThat(registry.revoke(CLINIC, address("v@example.net"), "x").orElseThrow().version()).isEqualTo(3);
  }
}

package org.mailward.policy.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.EmailAddress;
import org.mailward.api.KeyValueStore;
import org.mailward.api.Purpose;
import org.mailward.api.Redactor;
import org.mailward.api.TenantId;
import org.mailward.queue.rocks.RocksKeyValueStore;

/**
 * Consent evidence at rest (issue 15), on a real RocksDB store: a grant's evidence is in no stored
 * value, in neither its record nor its change event, yet the registry reads it back; records written
 * in clear by an earlier release (format 1, built here byte by byte as that release did) are
 * re-sealed by {@link ConsentStore#sealEvidence}, once, and their namespaces marked for a purge of
 * the old values; a redactor-key rotation re-seals them under
 * the new key, those no address moved included. The key is the documented HKDF-Expand of the
 * redactor key (checked against Bouncy Castle's HKDF).
 */
class EvidenceAtRestTest {
  private static final TenantId CLINIC = new TenantId("clinic");
  private static final EmailAddress ANN = EmailAddress.parse("ann@patients.example", false).orElseThrow();
  private static final EmailAddress BOB = EmailAddress.parse("bob@patients.example", false).orElseThrow();
  private static final String JANE = "signed form, Jane Doe, 2026-01-02";
  private static final byte[] SECRET = "the redactor key: 32 bytes long!".getBytes(StandardCharsets.US_ASCII);
  private final Redactor redactor = new Redactor(SECRET);
  @TempDir Path dir;

  @Test
  void aGrantsEvidenceIsInNoStoredValue_butTheRegistryReadsItBack() {
    try (RocksKeyValueStore kv = RocksKeyValueStore.open(dir.resolve("kv"))) {
      ConsentRegistry registry = new ConsentRegistry(new ConsentStore(kv, redactor, Clock.systemUTC()));
      registry.grant(CLINIC, ANN, grant(JANE));
      registry.revoke(CLINIC, ANN, "api");

      assertThat(valuesHolding(kv, "Jane Doe")).isEmpty();
      assertThat(registry.find(CLINIC, ANN).orElseThrow().evidence()).isEqualTo(JANE);
      List<String> exported = new ArrayList<>();
      registry.forEach(CLINIC, (hash, a) -> exported.add(a.evidence()));
      assertThat(exported).containsExactly(JANE);
      assertThat(new ConsentStore(kv, redactor, Clock.systemUTC()).sealEvidence()).as("nothing in clear to re-seal").isZero();
    }
  }

  @Test
  void evidenceWrittenInClearByAnEarlierRelease_isResealedOnce_andStillReads() throws IOException {
    try (RocksKeyValueStore kv = RocksKeyValueStore.open(dir.resolve("kv"))) {
      ConsentStore store = new ConsentStore(kv, redactor, Clock.systemUTC());
      byte[] hash = store.recipientHash(CLINIC, BOB);
      byte[] record = formatOneAuthorization(JANE);
      kv.write(KeyValueStore.Batch.builder().put(ConsentStore.AUTHORIZATIONS, ConsentStore.key(CLINIC, hash), record)
          .put(ConsentStore.CHANGES, new byte[16], RecordCodec.change("authorization", CLINIC.value(), hash, 1, record))
          .build());
      assertThat(valuesHolding(kv, "Jane Doe")).as("the old release's records").hasSize(2);
      assertThat(new ConsentRegistry(store).find(CLINIC, BOB).orElseThrow().evidence()).as("format 1 still reads")
          .isEqualTo(JANE);

      assertThat(store.sealEvidence()).isEqualTo(2);
      assertThat(valuesHolding(kv, "Jane Doe")).isEmpty();
      assertThat(kv.get(KeyValueStore.PURGE_PENDING, ConsentStore.AUTHORIZATIONS.getBytes(StandardCharsets.UTF_8)))
          .as("the overwritten plaintext is marked for the purge, in the re-write's own batch").isPresent();
      assertThat(new ConsentRegistry(store).find(CLINIC, BOB).orElseThrow().evidence()).isEqualTo(JANE);
      RecordCodec.Change change = RecordCodec.change(kv.get(ConsentStore.CHANGES, new byte[16]).orElseThrow(), 32);
      assertThat(RecordCodec.decodeAuthorization(change.record(), ConsentStore.key(CLINIC, hash), new EvidenceSeal(redactor))
          .evidence()).isEqualTo(JANE);
      assertThat(store.sealEvidence()).as("a rerun, as after a crash").isZero();
    }
  }

  @Test
  void aRedactorRotationResealsEveryRecord_movedOrNot_underTheNewKey() {
    Redactor newKey = new Redactor("the next redactor key, 32 bytes!".getBytes(StandardCharsets.US_ASCII));
    try (RocksKeyValueStore kv = RocksKeyValueStore.open(dir.resolve("kv"))) {
      ConsentRegistry before = new ConsentRegistry(new ConsentStore(kv, redactor, Clock.systemUTC()));
      before.grant(CLINIC, ANN, grant(JANE));
      before.grant(CLINIC, BOB, grant("form-2"));
      RedactorRekeying rekey = new RedactorRekeying(kv, redactor, newKey);
      assertThat(rekey.rekey(CLINIC, List.of(ANN)).moved()).isEqualTo(1); // BOB's address is not supplied
      assertThat(rekey.resealEvidence()).as("BOB's record and both change events").isEqualTo(3);
      assertThat(rekey.resealEvidence()).isZero();
      rekey.finish();

      ConsentRegistry after = new ConsentRegistry(new ConsentStore(kv, newKey, Clock.systemUTC()));
      assertThat(after.find(CLINIC, ANN).orElseThrow().evidence()).isEqualTo(JANE);
      List<String> exported = new ArrayList<>();
      after.forEach(CLINIC, (hash, a) -> exported.add(a.evidence()));
      assertThat(exported).containsExactlyInAnyOrder(JANE, "form-2");
      assertThat(valuesHolding(kv, "Jane Doe")).isEmpty();
      assertThatThrownBy(() -> new ConsentRegistry(new ConsentStore(kv, redactor, Clock.systemUTC())).forEach(CLINIC,
          (h, a) -> true)).as("the old key no longer opens it").hasMessageContaining("redactor key not loaded");
    }
  }

  @Test
  void sealedEvidenceOpensOnlyInItsOwnRecord() {
    EvidenceSeal seal = new EvidenceSeal(redactor);
    byte[] sealed = seal.seal(JANE, ConsentStore.key(CLINIC, new byte[32]));
    assertThat(seal.open(sealed, ConsentStore.key(CLINIC, new byte[32]))).isEqualTo(JANE);
    byte[] other = new byte[32];
    other[0] = 1;
    assertThatThrownBy(() -> seal.open(sealed, ConsentStore.key(CLINIC, other))).hasMessageContaining("moved from another record");
  }

  @Test
  void theKeyIsHkdfExpandOfTheRedactorKey_asDocumented() throws Exception {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(HKDFParameters.skipExtractParameters(SECRET, EvidenceSeal.INFO.getBytes(StandardCharsets.US_ASCII)));
    byte[] key = new byte[32];
    hkdf.generateBytes(key, 0, 32);
    byte[] aad = ConsentStore.key(CLINIC, new byte[32]);
    byte[] sealed = new EvidenceSeal(redactor).seal(JANE, aad);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, EvidenceSeal.KEY_ID_BYTES, 12));
    c.updateAAD(aad);
    int at = EvidenceSeal.KEY_ID_BYTES + 12;
    assertThat(new String(c.doFinal(sealed, at, sealed.length - at), StandardCharsets.UTF_8)).isEqualTo(JANE);
  }

  private static ConsentRegistry.Grant grant(String evidence) {
    return new ConsentRegistry.Grant(Set.of(Purpose.MARKETING), Instant.now().minusSeconds(60),
        Optional.of(Instant.now().plusSeconds(86400 * 30)), evidence, "test");
  }

  /** An authorization as releases before issue 15 wrote it: format 1, evidence as given. */
  static byte[] formatOneAuthorization(String evidence) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      Instant now = Instant.now();
      out.writeByte(1);
      out.writeLong(1);
      out.writeLong(now.toEpochMilli());
      out.writeByte(RecordCodec.bits(Set.of(Purpose.MARKETING)));
      out.writeLong(now.minusSeconds(60).toEpochMilli());
      out.writeLong(now.plusSeconds(86400 * 30).toEpochMilli());
      out.writeLong(Long.MIN_VALUE);
      out.writeUTF(evidence);
      out.writeUTF("import");
    }
    return bytes.toByteArray();
  }

  private static List<String> valuesHolding(KeyValueStore kv, String text) {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<String> found = new ArrayList<>();
    for (String ns : List.of(ConsentStore.AUTHORIZATIONS, ConsentStore.CHANGES, ConsentStore.SUPPRESSIONS)) {
      kv.scan(ns, new byte[0], null, (k, v) -> {
        for (int i = 0; i + needle.length <= v.length; i++) {
          if (Arrays.equals(v, i, i + needle.length, needle, 0, needle.length)) {
            found.add(ns);
            break;
          }
        }
        return true;
      });
    }
    return found;
  }
}

package org.mailward.queue.rocks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.api.KeyValueStore.Batch;

class RocksKeyValueStoreTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void purgeOverwritten_leavesNoOldValueInAnyFile_andKeepsTheNewOnes() throws Exception {
    // random values: SST blocks are Snappy-compressed, and a repeated literal would be a back-reference there
    List<String> olds = new ArrayList<>();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 50; i++) {
      olds.add(java.util.HexFormat.of().formatHex(random.ints(12, 0, 256).collect(java.io.ByteArrayOutputStream::new,
          java.io.ByteArrayOutputStream::write, (x, y) -> { }).toByteArray()));
    }
    try (var kv = RocksKeyValueStore.open(dir)) {
      Batch.Builder old = Batch.builder();
      for (int i = 0; i < 50; i++) {
        old.put("consent.authorization", b("k" + i), b(olds.get(i))).put("other", b("k" + i), b("zqother-" + i));
      }
      kv.write(old.build());
    }
    try (var kv = RocksKeyValueStore.open(dir)) { // the reopen recovers the WAL into an SST file
      Batch.Builder sealed = Batch.builder();
      for (int i = 0; i < 50; i++) {
        sealed.put("consent.authorization", b("k" + i), b("sealed-" + i));
      }
      sealed.delete("consent.authorization", b("k0"));
      kv.write(sealed.build());
      assertThat(org.mailward.testkit.DataDirectoryScan.scan(dir, olds)).as("before: the old values").isNotEmpty();

      kv.purgeOverwritten(List.of("consent.authorization"));

      assertThat(org.mailward.testkit.DataDirectoryScan.scan(dir, olds)).isEmpty();
    }
    try (var kv = RocksKeyValueStore.open(dir)) {
      assertThat(kv.get("consent.authorization", b("k7")).map(String::new)).contains("sealed-7");
      assertThat(kv.get("consent.authorization", b("k0"))).isEmpty();
      assertThat(kv.get("other", b("k7")).map(String::new)).contains("zqother-7");
    }
  }

  @Test
  void putThenGet_returnsTheValue_andDeleteRemovesIt() {
    try (var kv = RocksKeyValueStore.open(dir)) {
      kv.write(Batch.builder().put("consent", b("a"), b("1")).build());
      assertThat(kv.get("consent", b("a"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("1")));
      kv.write(Batch.builder().delete("consent", b("a")).build());
      assertThat(kv.get("consent", b("a"))).isEmpty();
    }
  }

  @Test
  void namespaces_areIsolated_evenWhenOneNameIsAPrefixOfAnother() {
    try (var kv = RocksKeyValueStore.open(dir)) {
      kv.write(Batch.builder().put("a", b("bc"), b("1")).put("ab", b("c"), b("2")).build());
      assertThat(kv.get("a", b("bc")).map(String::new)).contains("1");
      assertThat(kv.get("ab", b("c")).map(String::new)).contains("2");
      assertThat(kv.get("a", b("c"))).isEmpty();
      List<String> seen = new ArrayList<>();
      kv.scan("a", new byte[0], null, (k, v) -> seen.add(new String(k, UTF_8)));
      assertThat(seen).containsExactly("bc");
    }
  }

  @Test
  void scan_visitsKeysInOrder_withinBounds_andStopsWhenTheVisitorSaysSo() {
    try (var kv = RocksKeyValueStore.open(dir)) {
      var batch = Batch.builder();
      for (String k : List.of("d", "a", "c", "b", "e")) {
        batch.put("ns", b(k), b(k.toUpperCase()));
      }
      batch.put("nt", b("a"), b("other"));
      kv.write(batch.build());

      List<String> range = new ArrayList<>();
      kv.scan("ns", b("b"), b("d"), (k, v) -> range.add(new String(k, UTF_8) + "=" + new String(v, UTF_8)));
      assertThat(range).containsExactly("b=B", "c=C");

      List<String> firstTwo = new ArrayList<>();
      kv.scan("ns", new byte[0], null, (k, v) -> {
        firstTwo.add(new String(k, UTF_8));
        return firstTwo.size() < 2;
      });
      assertThat(firstTwo).containsExactly("a", "b");
    }
  }

  @Test
  void batch_isApplied_whole_andSurvivesReopen() {
    try (var kv = RocksKeyValueStore.open(dir)) {
      kv.write(Batch.builder().put("s", b("x"), b("1")).put("s", b("y"), b("2")).delete("s", b("x")).build());
    }
    try (var kv = RocksKeyValueStore.open(dir)) {
      assertThat(kv.get("s", b("x"))).isEmpty();
      assertThat(kv.get("s", b("y")).map(String::new)).contains("2");
    }
  }

  @Test
  void emptyNamespace_isRefused() {
    try (var kv = RocksKeyValueStore.open(dir)) {
      assertThatThrownBy(() -> kv.get("", b("x"))).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void successor_ofAllFF_isNull_andOtherwiseIncrementsTheLastByteThatCan() {
    assertThat(KeyBytes.successor(new byte[] {(byte) 0xFF, (byte) 0xFF})).isNull();
    assertThat(KeyBytes.successor(new byte[] {1, (byte) 0xFF})).containsExactly(2);
  }
}

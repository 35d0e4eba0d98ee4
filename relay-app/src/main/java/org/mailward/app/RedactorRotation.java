package org.mailward.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailward.admin.controlplane.ChangeCodec;
import org.mailward.admin.controlplane.KeyValueControlPlaneLog;
import org.mailward.admin.controlplane.RecordSeal;
import org.mailward.api.AuditEvent;
import org.mailward.api.ChangeRecord;
import org.mailward.api.EmailAddress;
import org.mailward.api.Redactor;
import org.mailward.api.TenantId;
import org.mailward.policy.consent.ConsentStore;
import org.mailward.policy.consent.RedactorRekeying;
import org.mailward.queue.DurableDirectories;
import org.mailward.queue.crypto.DataKeyRewrapper;
import org.mailward.queue.spool.RocksChronicleSpool;
import org.mailward.queue.spool.SpoolSetup;
import org.mailward.queue.spool.SpoolStorage;

/**
 * {@code mailward keys rotate-redactor}: an offline (relay stopped) re-keying of the consent
 * registry under a new redactor key (docs/operations.md, "Rotating the redactor key").
 *
 * <ol>
 *   <li>The new key is staged in {@code <redactorKeyFile>.next} (made once, reused by a rerun). While
 *       it exists the relay refuses to start: half the records may already be under the new key.
 *   <li>Addresses come from the sealed control-plane log (grants, revocations, suppressions, import
 *       files; opened with the master keyring) and from an operator's {@code --addresses} file.
 *   <li>policy's {@link RedactorRekeying} moves their records, one atomic batch per move; a rerun
 *       after a crash skips what moved.
 *   <li>Records no address maps (one-click unsubscribes, hard bounces, offline {@code consent
 *       import}) stop the command, unless {@code --allow-unmapped}: they would stop matching.
 *   <li>The switch: the old key is kept as {@code <redactorKeyFile>.retired-<fingerprint>} (the
 *       audit journal's tokens were made with it), {@code .next} is renamed over the key file, the
 *       directory is synced, an audit record {@code redactor-key.rotated} names both fingerprints.
 * </ol>
 * Does not: re-key the audit journal (its records keep the tokens of the key that made them), or
 * run while the relay runs (the store's lock refuses the second opener).
 */
final class RedactorRotation {
  private static final Pattern ADDRESS = Pattern.compile("[^\\s,;\"'<>\\[\\]{}:]+@[^\\s,;\"'<>\\[\\]{}:]+");

  /** What a run ended with. */
  enum Outcome { ROTATED, UNMAPPED_LEFT, STORE_BUSY }

  private final ModuleConfigs modules;
  private final PrintStream out;
  private final SecureRandom random = new SecureRandom();

  RedactorRotation(ModuleConfigs modules, PrintStream out) {
    this.modules = modules;
    this.out = out;
  }

  /** The staged key of an unfinished rotation. */
  static Path staged(Path keyFile) {
    return keyFile.resolveSibling(keyFile.getFileName() + ".next");
  }

  Outcome run(Optional<Path> extraAddresses, boolean allowUnmapped) throws IOException {
    Path keyFile = modules.redactorKeyFile();
    Path next = staged(keyFile);
    boolean resuming = Files.exists(next);
    Redactor oldKey = new Redactor(FirstStart.secret(keyFile, 32));
    Redactor newKey = new Redactor(resuming ? Files.readAllBytes(next) : stage(next));
    SpoolStorage storage;
    try {
      storage = RocksChronicleSpool.open(modules.spool(), Clock.systemUTC(), new SpoolSetup(modules.auditKey(), n -> { }),
          modules.masterKeyring(), DataKeyRewrapper.Settings.dormant());
    } catch (RuntimeException e) {
      out.println("cannot open the store under " + modules.dataDir() + " (is the relay running? stop it first): "
          + e.getMessage());
      return Outcome.STORE_BUSY;
    }
    try (storage) {
      RedactorRekeying rekey = new RedactorRekeying(storage.keyValueStore(), oldKey, newKey);
      if (!resuming) {
        rekey.finish(); // markers a crash after an earlier switch may have left
      }
      Map<TenantId, Set<EmailAddress>> known = fromControlPlane(storage, oldKey);
      List<EmailAddress> extra = extraAddresses.isPresent() ? parse(Files.readString(extraAddresses.get())) : List.of();
      Set<TenantId> tenants = new LinkedHashSet<>(known.keySet());
      tenants.addAll(rekey.tenants());
      long moved = 0;
      long already = 0;
      for (TenantId t : tenants) {
        Set<EmailAddress> addresses = new LinkedHashSet<>(known.getOrDefault(t, Set.of()));
        addresses.addAll(extra);
        RedactorRekeying.Report r = rekey.rekey(t, addresses);
        moved += r.moved();
        already += r.alreadyMoved();
      }
      Map<String, Long> unmapped = rekey.unmapped();
      long left = unmapped.values().stream().mapToLong(Long::longValue).sum();
      out.printf("re-keyed %d recipients (%d already, by an earlier run); %d records have no known address%n", moved,
          already, left);
      unmapped.forEach((where, n) -> out.printf("  %s: %d records without an address%n", where, n));
      if (left > 0 && !allowUnmapped) {
        out.println("Not switched: those records would stop matching under the new key. Rerun with --addresses FILE "
            + "(e.g. the ESP's list) or accept it with --allow-unmapped. The relay will not start until this finishes.");
        return Outcome.UNMAPPED_LEFT;
      }
      rekey.resealEvidence(); // what stays under an old hash (and the change history) opens with the new key only
      String oldId = ChangeCodec.tokenKeyOf(oldKey);
      String newId = ChangeCodec.tokenKeyOf(newKey);
      Path retired = keyFile.resolveSibling(keyFile.getFileName() + ".retired-" + oldId);
      if (!Files.exists(retired)) { // written aside and renamed: a crash never leaves a partial copy of the old key
        Path partial = retired.resolveSibling(retired.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        FirstStart.writePrivate(partial, Files.readAllBytes(keyFile));
        forceFile(partial);
        Files.move(partial, retired, StandardCopyOption.ATOMIC_MOVE);
      }
      storage.audit().append(new AuditEvent(Clock.systemUTC().instant(), "redactor-key.rotated", Optional.empty(),
          Optional.empty(), Map.of("previousKey", oldId, "key", newId, "moved", Long.toString(moved + already),
              "unmapped", Long.toString(left))));
      Files.move(next, keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      DurableDirectories.sync(keyFile.toAbsolutePath().getParent());
      rekey.finish();
      // evidence sealed under the retired key (kept on disk for the audit tokens) leaves the files
      Relay.purgeMigrated(storage, java.util.List.of(ConsentStore.AUTHORIZATIONS, ConsentStore.CHANGES));
      out.printf("redactor key %s is active (was %s, kept as %s for the audit journal's older tokens).%n", newId, oldId,
          retired.getFileName());
      return Outcome.ROTATED;
    }
  }

  /** Generates the new key and writes it durably (file and directory) before anything moves. */
  private byte[] stage(Path next) throws IOException {
    byte[] k = new byte[32];
    random.nextBytes(k);
    FirstStart.writePrivate(next, k);
    forceFile(next);
    DurableDirectories.sync(next.toAbsolutePath().getParent());
    return k;
  }

  private static void forceFile(Path f) throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Every (tenant, address) the sealed control-plane log names, import files included. */
  private Map<TenantId, Set<EmailAddress>> fromControlPlane(SpoolStorage storage, Redactor oldKey) {
    Map<TenantId, Set<EmailAddress>> out = new HashMap<>();
    var codec = new ChangeCodec(new RecordSeal(modules.masterKeyring(), random), oldKey);
    new KeyValueControlPlaneLog(storage.keyValueStore(), Clock.systemUTC(), codec).subscribe(0, e -> {
      if (!(e.change() instanceof ChangeRecord.TenantChange c)) {
        return; // node-wide records (a destination's TLS policy) name no person
      }
      Set<EmailAddress> s = out.computeIfAbsent(c.tenant(), t -> new LinkedHashSet<>());
      if (c instanceof ChangeRecord.ConsentGranted g) {
        s.add(g.address());
      } else if (c instanceof ChangeRecord.ConsentRevoked r) {
        s.add(r.address());
      } else if (c instanceof ChangeRecord.SuppressionAdded a) {
        s.add(a.address());
      } else if (c instanceof ChangeRecord.SuppressionRemoved r) {
        s.add(r.address());
      } else if (c instanceof ChangeRecord.ConsentImport i) {
        s.addAll(parse(new String(i.content(), StandardCharsets.UTF_8)));
      }
    });
    return out;
  }

  /** Address-shaped words of a text (CSV, NDJSON or one per line); what does not parse is skipped. */
  static List<EmailAddress> parse(String text) {
    Set<EmailAddress> out = new LinkedHashSet<>();
    Matcher m = ADDRESS.matcher(text);
    while (m.find()) {
      EmailAddress.parse(m.group(), true).ifPresent(out::add);
    }
    return List.copyOf(out);
  }
}

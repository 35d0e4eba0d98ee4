package org.mailward.admin.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mailward.admin.consent.ImportJobs;
import org.mailward.api.ChangeRecord;
import org.mailward.api.ChangeRecord.ConsentGranted;
import org.mailward.api.ChangeRecord.ConsentImport;
import org.mailward.api.ChangeRecord.ConsentRevoked;
import org.mailward.api.ChangeRecord.SuppressionAdded;
import org.mailward.api.ChangeRecord.SuppressionRemoved;
import org.mailward.api.ConsentControl;
import org.mailward.api.ControlPlaneLog;
import org.mailward.api.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies consent and suppression records to this node's consent registry (through the {@link
 * ConsentControl} port) and remembers the last version applied in the node's store, so a restart
 * resumes after it instead of replaying (a replayed grant must not undo a later unsubscribe that
 * did not go through the log). An import's file travels in its record (sealed in the log): policy's
 * importer reads a file twice (validate, then write), so it is written to a private (0600)
 * temporary file — in memory ({@code /dev/shm}) where the host has it, else in {@code
 * java.io.tmpdir} — imported all or nothing, and deleted; a file left by a crash mid-import is
 * deleted by the next start once it is an hour old (younger ones may be another relay's import in
 * progress). The file never goes to the data directory.
 */
public final class ConsentApplier implements ControlPlaneLog.Subscriber {
  public static final String NAMESPACE = "controlplane.applied";
  private static final byte[] KEY = "consent".getBytes(StandardCharsets.US_ASCII);
  static final String TEMP_PREFIX = "mailward-import-";
  private static final java.time.Duration LEFTOVER_AGE = java.time.Duration.ofHours(1);
  private static final Logger LOG = LoggerFactory.getLogger(ConsentApplier.class);
  private final ConsentControl consent;
  private final KeyValueStore store;
  private final ImportJobs jobs;
  private final Path importDirectory;

  public ConsentApplier(ConsentControl consent, KeyValueStore store, ImportJobs jobs) {
    this(consent, store, jobs, importDirectory());
  }

  ConsentApplier(ConsentControl consent, KeyValueStore store, ImportJobs jobs, Path importDirectory) {
    this.consent = consent;
    this.store = store;
    this.jobs = jobs;
    this.importDirectory = importDirectory;
    removeLeftovers();
  }

  /** {@code /dev/shm} (memory) where it is a writable directory, else {@code java.io.tmpdir}. */
  public static Path importDirectory() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Import files of this kind left by a crash in the middle of an import (they hold addresses in clear). */
  private void removeLeftovers() {
    try (var files = Files.newDirectoryStream(importDirectory, TEMP_PREFIX + "*")) {
      for (Path f : files) {
        // older than any import: another relay on this host may be importing right now
        if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.isWritable(f)
            && Files.getLastModifiedTime(f).toInstant().isBefore(java.time.Instant.now().minus(LEFTOVER_AGE))) {
          Files.deleteIfExists(f);
          LOG.info("removed an import file left by an interrupted consent import");
        }
      }
    } catch (IOException e) {
      LOG.warn("could not look for import files left by an interrupted consent import in {}: {}", importDirectory, e.toString());
    }
  }

  /** The version to subscribe after. */
  public long appliedVersion() {
    return store.get(NAMESPACE, KEY).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
  }

  @Override
  public void apply(ControlPlaneLog.Entry entry) {
    ChangeRecord c = entry.change();
    String source = "admin:" + entry.actor().id();
    if (c instanceof ConsentGranted g) {
      consent.grant(g.tenant(), g.address(), g.purposes(), g.grantedAt(), g.expiresAt(), g.evidence(), source);
    } else if (c instanceof ConsentRevoked r) {
      consent.revoke(r.tenant(), r.address(), source);
    } else if (c instanceof SuppressionAdded s) {
      consent.suppress(s.tenant(), s.address(), s.purposes(), s.reason(), source);
    } else if (c instanceof SuppressionRemoved s) {
      consent.unsuppress(s.tenant(), s.address(), s.purposes());
    } else if (c instanceof ConsentImport i) {
      importFile(i);
    } else {
      return;
    }
    store.write(KeyValueStore.Batch.builder().put(NAMESPACE, KEY, ByteBuffer.allocate(8).putLong(entry.version()).array())
        .build());
  }

  private void importFile(ConsentImport i) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile(importDirectory, TEMP_PREFIX, "." + i.format());
      Files.write(tmp, i.content());
      ConsentControl.ImportResult result = consent.importFile(i.tenant(), tmp, i.format(),
          (phase, rows) -> jobs.progress(i.importId(), phase, rows));
      jobs.finished(i.importId(), result);
    } catch (IOException e) {
      jobs.failed(i.importId());
      throw new UncheckedIOException("consent import " + i.importId() + " failed", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          LOG.warn("consent import {}: its temporary file could not be deleted (the next start removes it): {}",
              i.importId(), e.toString());
        }
      }
    }
  }
}

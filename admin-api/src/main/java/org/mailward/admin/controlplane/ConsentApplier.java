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

/**
 * Applies consent and suppression records to this node's consent registry (through the {@link
 * ConsentControl} port) and remembers the last version applied in the node's store, so a restart
 * resumes after it instead of replaying (a replayed grant must not undo a later unsubscribe that
 * did not go through the log). An import's file travels in its record: it is written to a private
 * temporary file, imported all or nothing by policy's importer, and deleted.
 */
public final class ConsentApplier implements ControlPlaneLog.Subscriber {
  public static final String NAMESPACE = "controlplane.applied";
  private static final byte[] KEY = "consent".getBytes(StandardCharsets.US_ASCII);
  private final ConsentControl consent;
  private final KeyValueStore store;
  private final ImportJobs jobs;

  public ConsentApplier(ConsentControl consent, KeyValueStore store, ImportJobs jobs) {
    this.consent = consent;
    this.store = store;
    this.jobs = jobs;
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
      tmp = Files.createTempFile("mailward-import-", "." + i.format());
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
        } catch (IOException ignored) {
          // a leftover temporary file is removed by the system's tmp cleaning
        }
      }
    }
  }
}

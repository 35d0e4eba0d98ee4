package org.mailward.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mailward.api.ChangeRecord.DkimKeyAdded;
import org.mailward.api.ControlPlaneLog;
import org.mailward.api.TenantId;
import org.mailward.policy.dkim.DkimFinisher;
import org.mailward.policy.dkim.DkimKeyFiles;
import org.mailward.policy.dkim.DkimSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link DkimKeyAdded} records to this node's {@link DkimFinisher}: loads the private key
 * the record names from the keys directory and makes it the tenant's signer, so the next message
 * is signed with the new selector without a restart. At start the log is replayed from its first
 * record, but only each tenant's newest key is loaded (a key file costs a PBKDF2 derivation, and
 * older keys would be replaced at once); it wins over the key in the configuration file. A key
 * file that is missing, unreadable or whose public key differs from the record's is not installed
 * and the tenant keeps signing with its previous key: for a new record the record fails to apply
 * (logged and counted by the log, the API answers 500); at start it is logged here.
 */
final class DkimKeyApplier implements ControlPlaneLog.Subscriber {
  private static final Logger LOG = LoggerFactory.getLogger(DkimKeyApplier.class);
  private final DkimKeyFiles files;
  private final DkimFinisher finisher;
  private final Clock clock;
  private final long replayedUpTo;
  private final Map<TenantId, DkimKeyAdded> replayed = new LinkedHashMap<>();

  private DkimKeyApplier(DkimKeyFiles files, DkimFinisher finisher, Clock clock, long replayedUpTo) {
    this.files = files;
    this.finisher = finisher;
    this.clock = clock;
    this.replayedUpTo = replayedUpTo;
  }

  /** Subscribes to {@code log} from its first record and installs each tenant's newest key. */
  static DkimKeyApplier subscribe(ControlPlaneLog log, DkimKeyFiles files, DkimFinisher finisher, Clock clock) {
    DkimKeyApplier applier = new DkimKeyApplier(files, finisher, clock, log.latestVersion());
    log.subscribe(0, applier);
    applier.replayed.values().forEach(k -> {
      try {
        applier.install(k);
      } catch (RuntimeException e) {
        LOG.error("DKIM key {} of tenant {} not installed at start: {}; the tenant keeps its previous key", k.selector(),
            k.tenant(), e.getMessage());
      }
    });
    applier.replayed.clear();
    return applier;
  }

  @Override
  public void apply(ControlPlaneLog.Entry entry) {
    if (!(entry.change() instanceof DkimKeyAdded k)) {
      return;
    }
    if (entry.version() <= replayedUpTo) {
      replayed.put(k.tenant(), k);
      return;
    }
    install(k);
  }

  private void install(DkimKeyAdded k) {
    DkimSigner signer;
    try {
      signer = files.signer(k.tenant(), k.domain(), k.selector(), clock);
    } catch (IOException e) {
      throw new UncheckedIOException("DKIM key " + k.selector() + " of tenant " + k.tenant() + " cannot be loaded", e);
    }
    if (!signer.key().publicKeyBase64().equals(k.publicKey())) {
      throw new IllegalStateException("DKIM key file of selector " + k.selector() + " (tenant " + k.tenant()
          + ") does not hold the key the record names");
    }
    finisher.install(k.tenant(), signer);
  }
}

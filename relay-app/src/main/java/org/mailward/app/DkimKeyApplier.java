package org.mailward.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import org.mailward.api.ChangeRecord.DkimKeyAdded;
import org.mailward.api.ControlPlaneLog;
import org.mailward.policy.dkim.DkimFinisher;
import org.mailward.policy.dkim.DkimKeyFiles;
import org.mailward.policy.dkim.DkimSigner;

/**
 * Applies {@link DkimKeyAdded} records to this node's {@link DkimFinisher}: loads the private key
 * the record names from the keys directory and makes it the tenant's signer, so the next message
 * is signed with the new selector without a restart. Replayed from the first record at every
 * start, so the newest key of each tenant signs again after a restart (and wins over the key in
 * the configuration file). A key file that is missing, unreadable or whose public key differs from
 * the record's is not installed: the record fails to apply (logged and counted by the log; the API
 * answers 500), and the tenant keeps signing with its previous key.
 */
final class DkimKeyApplier implements ControlPlaneLog.Subscriber {
  private final DkimKeyFiles files;
  private final DkimFinisher finisher;
  private final Clock clock;

  DkimKeyApplier(DkimKeyFiles files, DkimFinisher finisher, Clock clock) {
    this.files = files;
    this.finisher = finisher;
    this.clock = clock;
  }

  @Override
  public void apply(ControlPlaneLog.Entry entry) {
    if (!(entry.change() instanceof DkimKeyAdded k)) {
      return;
    }
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

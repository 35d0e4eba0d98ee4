package org.mailward.policy.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mailward.api.BodySource;
import org.mailward.api.Envelope;
import org.mailward.api.MessageFinisher;
import org.mailward.api.TenantId;
import org.mailward.policy.PolicyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MessageFinisher}: applies the envelope's header edits in order, then, when the
 * envelope asks for it, DKIM-signs the result with the tenant's key. The body is streamed twice
 * from the spool (once for the body hash here, once when written); only the header is in memory.
 * A key installed while the relay runs ({@link #install}, a rotation through the admin API)
 * replaces the tenant's signer for the next message and signs all of the tenant's mail.
 */
public final class DkimFinisher implements MessageFinisher {
  private static final Logger LOG = LoggerFactory.getLogger(DkimFinisher.class);

  private final Map<TenantId, DkimSigner> signers;
  private final java.util.Set<TenantId> signAll = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public DkimFinisher(Map<TenantId, DkimSigner> signers) {
    this.signers = new java.util.concurrent.ConcurrentHashMap<>(signers);
  }

  /** Makes {@code signer} the tenant's from the next message on, signing every message of the tenant. */
  public void install(TenantId tenant, DkimSigner signer) {
    signers.put(tenant, signer);
    signAll.add(tenant);
  }

  /** Loads every tenant's DKIM key named in the configuration (fails start-up on a bad key). */
  public static DkimFinisher fromConfig(PolicyConfig config, Clock clock) throws IOException {
    Map<TenantId, DkimSigner> signers = new HashMap<>();
    for (var e : config.tenants().entrySet()) {
      if (e.getValue().dkim().isPresent()) {
        PolicyConfig.DkimPolicy d = e.getValue().dkim().get();
        DkimKey key = DkimKey.load(d.keyPem(), d.keyPassphrase().toCharArray());
        signers.put(e.getKey(), new DkimSigner(d.domain(), d.selector(), key, clock));
      }
    }
    return new DkimFinisher(signers);
  }

  @Override
  public Prepared prepare(Envelope envelope, BodySource body) throws IOException {
    HeaderBlock header;
    InputStream in = body.open();
    try {
      header = HeaderBlock.read(in).apply(envelope.headerEdits());
      DkimSigner signer = envelope.dkimSign() || signAll.contains(envelope.tenant()) ? signers.get(envelope.tenant()) : null;
      if (envelope.dkimSign() && signer == null) {
        LOG.warn("message {} asks for DKIM but tenant {} has no key; sent unsigned", envelope.id(), envelope.tenant());
      }
      if (signer == null) {
        return new OnePass(header, body, in); // the body follows on the stream the header came from
      }
      byte[] bodyHash = RelaxedBodyHash.of(in);
      header = header.withFirst(signer.sign(header.fields(), bodyHash));
    } catch (GeneralSecurityException e) {
      in.close();
      throw new IOException("DKIM signing failed for message " + envelope.id(), e);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
    in.close();
    HeaderBlock finalHeader = header;
    return out -> writeMessage(finalHeader, body, out);
  }

  private static void writeMessage(HeaderBlock header, BodySource body, OutputStream out) throws IOException {
    header.writeTo(out);
    try (InputStream in = body.open()) {
      in.skipNBytes(header.length());
      in.transferTo(out);
    }
  }

  /**
   * An unsigned message whose body stream is still open just past the header
   * block: the first write continues on it (the body is read and decrypted once,
   * not twice); a second write reads the body afresh.
   */
  private static final class OnePass implements Prepared {
    private final HeaderBlock header;
    private final BodySource body;
    private InputStream rest;

    OnePass(HeaderBlock header, BodySource body, InputStream rest) {
      this.header = header;
      this.body = body;
      this.rest = rest;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      if (rest == null) {
        writeMessage(header, body, out);
        return;
      }
      try (InputStream in = rest) {
        rest = null;
        header.writeTo(out);
        in.transferTo(out);
      }
    }

    @Override
    public void close() throws IOException {
      if (rest != null) {
        InputStream in = rest;
        rest = null;
        in.close();
      }
    }
  }

  /** For tests and benchmarks: the signer of a tenant. */
  public List<DkimSigner> signers() {
    return List.copyOf(signers.values());
  }
}

package org.mailward.core.inbound;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server TLS context: TLS 1.2 and 1.3 only, AEAD ciphers with forward
 * secrecy, BoringSSL (netty-tcnative) when it loads, JDK otherwise. Built from
 * PEM files; {@link #reload()} swaps in a new context for new connections
 * without a restart, and keeps the old one when the new files are bad.
 */
final class ServerTls {
  private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  static final List<String> CIPHERS = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final InboundConfig.Tls files;
  private final CaughtFailures failures;
  private final SslProvider provider;
  private final AtomicReference<Loaded> current = new AtomicReference<>();

  private record Loaded(SslContext context, FileTime certTime, FileTime keyTime) {}

  ServerTls(InboundConfig.Tls files, CaughtFailures failures) {
    this.files = files;
    this.failures = failures;
    this.provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    try {
      current.set(load());
    } catch (IOException e) {
      throw new IllegalArgumentException("inbound.tls: cannot load " + files.certificateChain() + " / " + files.privateKey() + ": " + e.getMessage(), e);
    }
  }

  String providerName() {
    return provider.name();
  }

  SslHandler newHandler(ByteBufAllocator alloc) {
    return current.get().context().newHandler(alloc);
  }

  /** Loads the files again; on failure keeps serving the previous certificate and rethrows. */
  void reload() throws IOException {
    current.set(load());
    LOG.info("inbound TLS certificate reloaded");
  }

  /** Reloads when either file's modification time changed. */
  boolean reloadIfChanged() {
    Loaded l = current.get();
    try {
      if (!Files.getLastModifiedTime(files.certificateChain()).equals(l.certTime())
          || !Files.getLastModifiedTime(files.privateKey()).equals(l.keyTime())) {
        reload();
        return true;
      }
    } catch (IOException | RuntimeException e) {
      failures.record("inbound TLS certificate reload (the current certificate stays in use)", java.util.Optional.empty(), e);
    }
    return false;
  }

  private Loaded load() throws IOException {
    FileTime ct = Files.getLastModifiedTime(files.certificateChain());
    FileTime kt = Files.getLastModifiedTime(files.privateKey());
    try {
      SslContext ctx = SslContextBuilder.forServer(files.certificateChain().toFile(), files.privateKey().toFile())
          .sslProvider(provider)
          .protocols(PROTOCOLS)
          .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .clientAuth(ClientAuth.NONE)
          .build();
      return new Loaded(ctx, ct, kt);
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}

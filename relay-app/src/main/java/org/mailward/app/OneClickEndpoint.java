package org.mailward.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.mailward.api.AuditJournal;
import org.mailward.app.config.MailwardConfig;
import org.mailward.policy.unsubscribe.Unsubscribes;
import org.mailward.portal.unsubscribe.EspForwarder;
import org.mailward.portal.unsubscribe.UnsubscribeServer;

/**
 * The one-click unsubscribe endpoint as the relay runs it: the portal's HTTPS server on the
 * policy module's revocation service, plus the ESP forwarder, started and stopped together.
 * Off unless {@code unsubscribe.enabled}; empty certificate/key reuse the inbound TLS files.
 */
final class OneClickEndpoint implements AutoCloseable {
  private final EspForwarder forwarder;
  private final UnsubscribeServer server;
  private final InetSocketAddress address;

  private OneClickEndpoint(EspForwarder forwarder, UnsubscribeServer server) {
    this.forwarder = forwarder;
    this.server = server;
    try {
      this.address = server.start();
    } catch (RuntimeException e) {
      forwarder.close();
      throw e;
    }
  }

  /** @param inboundTls the inbound certificate and key, used when the section names none */
  static Optional<OneClickEndpoint> startIfEnabled(MailwardConfig.UnsubscribeEndpoint cfg, ModuleConfigs modules,
      Path[] inboundTls, Unsubscribes unsubscribes, AuditJournal audit, Clock clock) throws IOException {
    if (!cfg.enabled()) {
      return Optional.empty();
    }
    Path cert = modules.resolve(cfg.certificate(), inboundTls[0]);
    Path key = modules.resolve(cfg.key(), inboundTls[1]);
    EspForwarder forwarder = new EspForwarder(EspForwarder.Settings.defaults(), audit, clock);
    UnsubscribeServer server;
    try {
      server = new UnsubscribeServer(UnsubscribeServer.Settings.of(cfg.address(), cfg.port(), cert, key),
          new PolicyUnsubscriber(unsubscribes), forwarder, audit, clock);
    } catch (IOException | RuntimeException e) {
      forwarder.close();
      throw new IOException("unsubscribe.certificate/key: " + e.getMessage(), e);
    }
    return Optional.of(new OneClickEndpoint(forwarder, server));
  }

  InetSocketAddress address() {
    return address;
  }

  @Override
  public void close() {
    server.close();
    forwarder.close();
  }
}

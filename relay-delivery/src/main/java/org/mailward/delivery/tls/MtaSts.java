package org.mailward.delivery.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.mailward.delivery.route.DnsClient;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * MTA-STS (RFC 8461) for destination domains: reads the {@code _mta-sts} TXT
 * record, fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
 * (certificate verified for that name against the configured trust anchors),
 * and caches the policy until its max_age, re-fetching when the TXT id changes.
 * A failed fetch keeps an unexpired cached policy; with none, the domain has no
 * policy (as the RFC says). The HTTPS fetch blocks, so it runs on its own executor.
 */
public final class MtaSts {
  private static final int MAX_POLICY_BYTES = 64 * 1024;
  private final DnsClient dns;
  private final SSLContext https;
  private final int port;
  private final Duration timeout;
  private final long maxAgeCap;
  private final Clock clock;
  private final Executor fetchExecutor;
  private final Map<String, MtaStsPolicy> cache = new ConcurrentHashMap<>();

  public MtaSts(DnsClient dns, SSLContext https, int port, Duration timeout, Duration maxAgeCap, Clock clock, Executor fetchExecutor) {
    this.dns = dns;
    this.https = https;
    this.port = port;
    this.timeout = timeout;
    this.maxAgeCap = maxAgeCap.toSeconds();
    this.clock = clock;
    this.fetchExecutor = fetchExecutor;
  }

  /** The cached, unexpired policy of {@code domain}, without any look-up (for operators' views). */
  public Optional<MtaStsPolicy> cached(String domain) {
    MtaStsPolicy p = cache.get(domain.toLowerCase(Locale.ROOT));
    return p == null || clock.instant().isAfter(p.expires()) ? Optional.empty() : Optional.of(p);
  }

  /** The policy in force for {@code domain}, if any (mode NONE policies are returned too). */
  public CompletionStage<Optional<MtaStsPolicy>> policy(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    MtaStsPolicy cached = cache.get(d);
    if (cached != null && clock.instant().isAfter(cached.expires())) {
      cache.remove(d, cached);
      cached = null;
    }
    MtaStsPolicy current = cached;
    return dns.query("_mta-sts." + d, Type.TXT).thenCompose(a -> {
      Optional<String> id = a.records().stream().map(r -> String.join("", ((TXTRecord) r).getStrings()))
          .filter(t -> t.startsWith("v=STSv1")).findFirst().flatMap(MtaSts::idOf);
      if (id.isEmpty()) {
        return CompletableFuture.completedFuture(Optional.ofNullable(current));
      }
      if (current != null && current.id().equals(id.get())) {
        return CompletableFuture.completedFuture(Optional.of(current));
      }
      return fetch(d, id.get()).thenApply(p -> {
        p.ifPresent(x -> cache.put(d, x));
        return p.isPresent() ? p : Optional.ofNullable(current);
      });
    });
  }

  static Optional<String> idOf(String txt) {
    for (String part : txt.split(";")) {
      String p = part.trim();
      if (p.startsWith("id=")) {
        String id = p.substring(3).trim();
        return id.matches("[A-Za-z0-9]{1,32}") ? Optional.of(id) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private CompletionStage<Optional<MtaStsPolicy>> fetch(String domain, String id) {
    String host = "mta-sts." + domain;
    return dns.query(host, Type.A).thenApplyAsync(a -> {
      List<ARecord> addrs = a.records().stream().map(ARecord.class::cast).toList();
      for (ARecord r : addrs) {
        try {
          String body = get(new InetSocketAddress(r.getAddress(), port), host);
          return MtaStsPolicy.parse(body, id, clock.instant(), maxAgeCap);
        } catch (IOException e) {
          // try the next address; a failure leaves the cached policy in force
        }
      }
      return Optional.<MtaStsPolicy>empty();
    }, fetchExecutor);
  }

  private String get(InetSocketAddress address, String host) throws IOException {
    try (Socket plain = new Socket()) {
      plain.connect(address, (int) timeout.toMillis());
      plain.setSoTimeout((int) timeout.toMillis());
      try (SSLSocket s = (SSLSocket) https.getSocketFactory().createSocket(plain, host, address.getPort(), false)) {
        SSLParameters params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setServerNames(List.of(new SNIHostName(host)));
        params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        s.setSSLParameters(params);
        s.startHandshake();
        s.getOutputStream().write(("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: " + host
            + "\r\nConnection: close\r\nUser-Agent: mailward\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return readResponse(s.getInputStream());
      }
    }
  }

  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] b = new byte[4096];
    int n;
    while ((n = in.read(b)) > 0) {
      buf.write(b, 0, n);
      if (buf.size() > MAX_POLICY_BYTES) {
        throw new IOException("policy too large");
      }
    }
    String all = buf.toString(StandardCharsets.UTF_8);
    int end = all.indexOf("\r\n\r\n");
    if (end < 0 || !all.startsWith("HTTP/1.") || !all.substring(9, 12).equals("200")) {
      throw new IOException("policy fetch did not answer 200");
    }
    String head = all.substring(0, end).toLowerCase(Locale.ROOT);
    if (head.contains("transfer-encoding: chunked")) {
      throw new IOException("chunked policy responses are not supported");
    }
    if (!head.contains("content-type: text/plain")) {
      throw new IOException("policy is not text/plain");
    }
    return all.substring(end + 4);
  }
}

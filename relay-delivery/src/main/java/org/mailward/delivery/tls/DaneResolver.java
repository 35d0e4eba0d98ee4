package org.mailward.delivery.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * TLSA lookups through dnsjava's DNSSEC-validating resolver (RFC 7672). A
 * secure answer with records makes DANE authoritative for that MX host; an
 * insecure answer or a secure denial means no DANE; SERVFAIL, a bogus answer or
 * a timeout is {@link Lookup.Indeterminate}: the caller defers and never falls
 * back to weaker TLS. Results are cached by TTL (at most five minutes).
 */
public final class DaneResolver {
  /** IANA root KSK-2017, the default trust anchor. */
  static final String ROOT_ANCHOR =
      ". 172800 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n";
  private static final Duration MAX_CACHE = Duration.ofMinutes(5);

  private final ValidatingResolver resolver;
  private final Clock clock;
  private final Executor executor;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  /** What a TLSA lookup found. */
  public sealed interface Lookup {
    record Secure(List<TLSARecord> records) implements Lookup {
      public Secure {
        records = List.copyOf(records);
      }
    }

    record None(String why) implements Lookup {}

    record Indeterminate(String why) implements Lookup {}
  }

  private record Cached(Lookup lookup, Instant expires) {}

  public DaneResolver(InetSocketAddress upstream, Optional<Path> trustAnchors, Duration timeout, Clock clock, Executor executor) {
    SimpleResolver up = new SimpleResolver(upstream);
    up.setTimeout(timeout);
    up.setEDNS(0, 4096, Flags.DO);
    ValidatingResolver v = new ValidatingResolver(up);
    v.setTimeout(timeout);
    try (InputStream in = trustAnchors.isPresent() ? Files.newInputStream(trustAnchors.get())
        : new ByteArrayInputStream(ROOT_ANCHOR.getBytes(StandardCharsets.US_ASCII))) {
      v.loadTrustAnchors(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("delivery.dane.trustAnchors: cannot load " + trustAnchors.orElse(null) + ": " + e.getMessage(), e);
    }
    this.resolver = v;
    this.clock = clock;
    this.executor = executor;
  }

  /** TLSA records for {@code _port._tcp.host}. */
  public CompletionStage<Lookup> tlsa(String host, int port) {
    String qname = "_" + port + "._tcp." + host.toLowerCase(Locale.ROOT);
    Cached c = cache.get(qname);
    if (c != null && clock.instant().isBefore(c.expires())) {
      return CompletableFuture.completedFuture(c.lookup());
    }
    Message q;
    try {
      q = Message.newQuery(Record.newRecord(Name.fromString(qname, Name.root), Type.TLSA, DClass.IN));
    } catch (TextParseException e) {
      return CompletableFuture.completedFuture(new Lookup.None("not a host name"));
    }
    return resolver.sendAsync(q, executor).handle((resp, err) -> {
      if (err != null || resp == null) {
        return new Lookup.Indeterminate("tlsa-lookup-failed");
      }
      Lookup l = classify(resp);
      long ttl = resp.getSection(Section.ANSWER).stream().mapToLong(Record::getTTL).min().orElse(60);
      if (!(l instanceof Lookup.Indeterminate)) {
        cache.put(qname, new Cached(l, clock.instant().plus(Duration.ofSeconds(Math.min(ttl, MAX_CACHE.toSeconds())))));
      }
      return l;
    });
  }

  static Lookup classify(Message resp) {
    int rcode = resp.getRcode();
    boolean secure = resp.getHeader().getFlag(Flags.AD);
    if (rcode == Rcode.SERVFAIL) {
      return new Lookup.Indeterminate("tlsa-servfail-or-bogus");
    }
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      return new Lookup.Indeterminate("tlsa-rcode-" + rcode);
    }
    List<TLSARecord> tlsa = resp.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.TLSA)
        .map(TLSARecord.class::cast).toList();
    if (!secure) {
      return new Lookup.None("tlsa-insecure");
    }
    if (tlsa.isEmpty()) {
      return new Lookup.None("tlsa-secure-denial");
    }
    return new Lookup.Secure(tlsa);
  }
}

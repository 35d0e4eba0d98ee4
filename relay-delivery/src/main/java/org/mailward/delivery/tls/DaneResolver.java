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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * DNSSEC lookups through dnsjava's validating resolver, for DANE (RFC 7672):
 * the DNSSEC status of an answer ({@link #security}) and TLSA records
 * ({@link #tlsa}). Whether DANE applies at all is {@link DaneApplicability}'s
 * business. A validation failure is told apart from a resolver that cannot
 * prove anything: when the upstream does not hand out the trust anchor zone's
 * signed DNSKEY RRset (a resolver without DNSSEC support, or one that cannot
 * reach the root), the status is {@link Dnssec#INDETERMINATE}, not bogus.
 * Results are cached by TTL (at most five minutes); failures are not cached.
 */
public final class DaneResolver {
  private static final Logger log = LoggerFactory.getLogger(DaneResolver.class);
  /** IANA root KSK-2017, the default trust anchor. */
  static final String ROOT_ANCHOR =
      ". 172800 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n";
  private static final Duration MAX_CACHE = Duration.ofMinutes(5);
  private static final Duration ANCHOR_CACHE = Duration.ofMinutes(1);

  private final SimpleResolver upstream;
  private final ValidatingResolver resolver;
  private final Clock clock;
  private final Executor executor;
  private final Map<String, Cached<Lookup>> tlsaCache = new ConcurrentHashMap<>();
  private final Map<String, Cached<Dnssec>> statusCache = new ConcurrentHashMap<>();
  private final Map<Name, Cached<Boolean>> anchorCache = new ConcurrentHashMap<>();

  /**
   * The DNSSEC status of an answer (RFC 4035 4.3) as this resolver could establish it.
   * {@code FAILED} covers bogus answers and lookup errors under a working trust anchor.
   */
  public enum Dnssec { SECURE, INSECURE, INDETERMINATE, FAILED }

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

  private record Cached<T>(T value, Instant expires) {}

  public DaneResolver(InetSocketAddress upstream, Optional<Path> trustAnchors, Duration timeout, Clock clock, Executor executor) {
    SimpleResolver up = new SimpleResolver(upstream);
    up.setTimeout(timeout);
    up.setEDNS(0, 4096, Flags.DO);
    ValidatingResolver v = new ValidatingResolver(up, clock);
    v.setTimeout(timeout);
    try (InputStream in = trustAnchors.isPresent() ? Files.newInputStream(trustAnchors.get())
        : new ByteArrayInputStream(ROOT_ANCHOR.getBytes(StandardCharsets.US_ASCII))) {
      v.loadTrustAnchors(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("delivery.dane.trustAnchors: cannot load " + trustAnchors.orElse(null) + ": " + e.getMessage(), e);
    }
    this.upstream = up;
    this.resolver = v;
    this.clock = clock;
    this.executor = executor;
  }

  /** TLSA records for {@code _port._tcp.host}. Only meaningful for a host whose own records are secure. */
  public CompletionStage<Lookup> tlsa(String host, int port) {
    String qname = "_" + port + "._tcp." + host.toLowerCase(Locale.ROOT);
    Optional<Lookup> hit = cached(tlsaCache, qname);
    if (hit.isPresent()) {
      return CompletableFuture.completedFuture(hit.get());
    }
    Optional<Message> q = query(qname, Type.TLSA);
    if (q.isEmpty()) {
      return CompletableFuture.completedFuture(new Lookup.None("not a host name"));
    }
    return resolver.sendAsync(q.get(), executor).handle((resp, err) -> {
      if (err != null || resp == null) {
        return new Lookup.Indeterminate("tlsa-lookup-failed");
      }
      Lookup l = classify(resp);
      if (!(l instanceof Lookup.Indeterminate)) {
        put(tlsaCache, qname, l, resp);
      }
      return l;
    });
  }

  /** The DNSSEC status of {@code name}/{@code type} (e.g. a domain's MX RRset, a host's A RRset). */
  public CompletionStage<Dnssec> security(String name, int type) {
    String key = name.toLowerCase(Locale.ROOT) + "/" + type;
    Optional<Dnssec> hit = cached(statusCache, key);
    if (hit.isPresent()) {
      return CompletableFuture.completedFuture(hit.get());
    }
    Optional<Message> q = query(name, type);
    if (q.isEmpty()) {
      return CompletableFuture.completedFuture(Dnssec.INSECURE);
    }
    Name qname = q.get().getQuestion().getName();
    return resolver.sendAsync(q.get(), executor).handle((resp, err) -> Optional.ofNullable(err == null ? resp : null))
        .thenCompose(resp -> {
          Optional<Dnssec> s = resp.flatMap(DaneResolver::status);
          if (s.isPresent()) {
            put(statusCache, key, s.get(), resp.get());
            return CompletableFuture.completedFuture(s.get());
          }
          // SERVFAIL (or no answer): a bogus answer, or a trust anchor this upstream cannot support at all?
          return anchorUsable(qname).thenApply(usable -> usable.map(u -> u ? Dnssec.FAILED : Dnssec.INDETERMINATE)
              .orElse(Dnssec.FAILED));
        });
  }

  /** Secure (AD), insecure (a proven or unanchored answer without AD), or empty when validation failed. */
  static Optional<Dnssec> status(Message resp) {
    int rcode = resp.getRcode();
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      return Optional.empty();
    }
    return Optional.of(resp.getHeader().getFlag(Flags.AD) ? Dnssec.SECURE : Dnssec.INSECURE);
  }

  /**
   * Whether the upstream hands out a signed DNSKEY RRset for the trust anchor that covers {@code name}:
   * true (it does: a validation failure below it is bogus), false (it answers without one: nothing can
   * be proven, indeterminate), empty (no answer at all: a lookup error).
   */
  private CompletionStage<Optional<Boolean>> anchorUsable(Name name) {
    RRset anchor = resolver.getTrustAnchors().find(name, DClass.IN);
    if (anchor == null) {
      return CompletableFuture.completedFuture(Optional.of(false));
    }
    Name zone = anchor.getName();
    Cached<Boolean> c = anchorCache.get(zone);
    if (c != null && clock.instant().isBefore(c.expires())) {
      return CompletableFuture.completedFuture(Optional.of(c.value()));
    }
    Message q = Message.newQuery(Record.newRecord(zone, Type.DNSKEY, DClass.IN));
    return upstream.sendAsync(q, executor).handle((resp, err) -> {
      if (err != null || resp == null) {
        return Optional.<Boolean>empty();
      }
      List<Record> answer = resp.getSection(Section.ANSWER);
      boolean signed = answer.stream().anyMatch(r -> r.getType() == Type.DNSKEY)
          && answer.stream().anyMatch(r -> r.getType() == Type.RRSIG);
      Cached<Boolean> before = anchorCache.put(zone, new Cached<>(signed, clock.instant().plus(ANCHOR_CACHE)));
      if (!signed && (before == null || before.value())) {
        log.warn("DNSSEC trust anchor {} cannot be validated through the DANE resolver (no signed DNSKEY RRset, rcode {}): "
            + "DANE is not applied to destinations it cannot prove secure (dane.indeterminate)", zone, Rcode.string(resp.getRcode()));
      }
      return Optional.of(signed);
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

  private static Optional<Message> query(String name, int type) {
    try {
      return Optional.of(Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN)));
    } catch (TextParseException e) {
      return Optional.empty();
    }
  }

  private <T> Optional<T> cached(Map<String, Cached<T>> cache, String key) {
    Cached<T> c = cache.get(key);
    return c != null && clock.instant().isBefore(c.expires()) ? Optional.of(c.value()) : Optional.empty();
  }

  private <T> void put(Map<String, Cached<T>> cache, String key, T value, Message resp) {
    long ttl = resp.getSection(Section.ANSWER).stream().mapToLong(Record::getTTL).min().orElse(60);
    cache.put(key, new Cached<>(value, clock.instant().plus(Duration.ofSeconds(Math.min(ttl, MAX_CACHE.toSeconds())))));
  }
}

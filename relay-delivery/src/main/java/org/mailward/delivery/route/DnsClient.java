package org.mailward.delivery.route;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;

/**
 * Asynchronous DNS queries (dnsjava {@link Resolver#sendAsync}) against the
 * configured resolver, with answers cached for min(TTL, maxCacheTtl) by the
 * injected clock. Completions run on the given executor, never on a Netty loop.
 * Does no DNSSEC validation (see {@code DaneResolver}).
 */
public final class DnsClient {
  private final Resolver resolver;
  private final Clock clock;
  private final Duration maxCacheTtl;
  private final Executor executor;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public DnsClient(InetSocketAddress server, Duration timeout, Duration maxCacheTtl, Clock clock, Executor executor) {
    SimpleResolver r = new SimpleResolver(server);
    r.setTimeout(timeout);
    this.resolver = r;
    this.clock = clock;
    this.maxCacheTtl = maxCacheTtl;
    this.executor = executor;
  }

  /** The answer to one question: the rcode and the answer-section records of the asked type. */
  public record Answer(int rcode, List<Record> records) {
    public Answer {
      records = List.copyOf(records);
    }

    public boolean nxdomain() {
      return rcode == Rcode.NXDOMAIN;
    }

    public boolean ok() {
      return rcode == Rcode.NOERROR;
    }
  }

  private record Cached(Answer answer, Instant expires) {}

  /** Looks up {@code name}/{@code type}; a failed or timed-out query completes with rcode SERVFAIL. */
  public CompletionStage<Answer> query(String name, int type) {
    String key = name.toLowerCase(java.util.Locale.ROOT) + "/" + type;
    Instant now = clock.instant();
    Cached c = cache.get(key);
    if (c != null && now.isBefore(c.expires())) {
      return CompletableFuture.completedFuture(c.answer());
    }
    Message query;
    try {
      query = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
    } catch (TextParseException e) {
      return CompletableFuture.completedFuture(new Answer(Rcode.FORMERR, List.of()));
    }
    return resolver.sendAsync(query, executor).handle((resp, err) -> {
      if (err != null || resp == null) {
        return new Answer(Rcode.SERVFAIL, List.of());
      }
      List<Record> records = resp.getSection(Section.ANSWER).stream().filter(r -> r.getType() == type).toList();
      Answer a = new Answer(resp.getRcode(), records);
      long ttl = records.stream().mapToLong(Record::getTTL).min().orElse(60);
      Duration keep = Duration.ofSeconds(ttl).compareTo(maxCacheTtl) < 0 ? Duration.ofSeconds(ttl) : maxCacheTtl;
      if (a.rcode() != Rcode.SERVFAIL && !keep.isZero()) {
        cache.put(key, new Cached(a, clock.instant().plus(keep)));
      }
      return a;
    });
  }

  /** Cached entries right now (for tests and metrics). */
  public int cachedEntries() {
    return cache.size();
  }
}

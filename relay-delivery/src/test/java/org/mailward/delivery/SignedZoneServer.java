package org.mailward.delivery;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A tiny authoritative DNS server for tests (UDP on loopback) that serves
 * DNSSEC-signed zones: each zone gets an ECDSA P-256 key (algorithm 13), a
 * self-signed DNSKEY RRset, and every RRset signed with dnsjava's
 * {@link DNSSEC#sign}. {@link #trustAnchor} gives the DNSKEY to trust; a zone
 * created with {@code bogus=true} is signed with a key other than the one it
 * publishes, so every answer from it fails validation; names listed in
 * {@code badlySigned} get signatures by such a key only for their own RRsets.
 */
public final class SignedZoneServer implements AutoCloseable {
  private final DatagramSocket socket;
  private final Map<String, List<Record>> answers = new HashMap<>();
  private final Map<Name, DNSKEYRecord> anchors = new HashMap<>();
  private final Thread thread;

  public SignedZoneServer(String host) throws IOException {
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0));
    this.thread = new Thread(this::serve, "signed-zone-server");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** Adds a signed zone with these records (the DNSKEY RRset is added). */
  public void zone(Name origin, List<Record> records, boolean bogus) throws Exception {
    zone(origin, records, bogus, java.util.Set.of());
  }

  /** As {@link #zone(Name, List, boolean)}, with the RRsets owned by {@code badlySigned} signed by an unpublished key. */
  public void zone(Name origin, List<Record> records, boolean bogus, java.util.Set<Name> badlySigned) throws Exception {
    KeyPair published = ec();
    KeyPair stranger = ec();
    KeyPair signing = bogus ? ec() : published;
    DNSKEYRecord dnskey = new DNSKEYRecord(origin, DClass.IN, 300, 257, DNSKEYRecord.Protocol.DNSSEC,
        DNSSEC.Algorithm.ECDSAP256SHA256, published.getPublic());
    DNSKEYRecord signingKey = new DNSKEYRecord(origin, DClass.IN, 300, 257, DNSKEYRecord.Protocol.DNSSEC,
        DNSSEC.Algorithm.ECDSAP256SHA256, signing.getPublic());
    anchors.put(origin, dnskey);
    List<Record> all = new ArrayList<>(records);
    all.add(dnskey);
    Map<String, RRset> sets = new HashMap<>();
    for (Record r : all) {
      sets.computeIfAbsent(key(r.getName(), r.getType()), k -> new RRset()).addRR(r);
    }
    Instant now = Instant.now();
    for (var e : sets.entrySet()) {
      boolean bad = badlySigned.contains(e.getValue().getName());
      RRSIGRecord sig = DNSSEC.sign(e.getValue(), signingKey, (bad ? stranger : signing).getPrivate(), now.minusSeconds(3600),
          now.plusSeconds(86400));
      List<Record> out = new ArrayList<>(e.getValue().rrs());
      out.add(sig);
      answers.put(e.getKey(), out);
    }
  }

  /** The zone's DNSKEY in master-file form, for a trust-anchor file. */
  public String trustAnchor(Name origin) {
    return anchors.get(origin).toString() + "\n";
  }

  private static String key(Name n, int type) {
    return n.toString().toLowerCase(java.util.Locale.ROOT) + "/" + type;
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private void serve() {
    byte[] buf = new byte[4096];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        Record question = q.getQuestion();
        Message resp = new Message(q.getHeader().getID());
        resp.getHeader().setFlag(Flags.QR);
        resp.getHeader().setFlag(Flags.AA);
        if (q.getHeader().getFlag(Flags.RD)) {
          resp.getHeader().setFlag(Flags.RD);
        }
        resp.addRecord(question, Section.QUESTION);
        List<Record> rrs = answers.get(key(question.getName(), question.getType()));
        if (rrs != null) {
          rrs.forEach(r -> resp.addRecord(r, Section.ANSWER));
        } else if (answers.keySet().stream().noneMatch(k -> k.startsWith(question.getName().toString().toLowerCase(java.util.Locale.ROOT) + "/"))) {
          resp.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        if (q.getOPT() != null) {
          resp.addRecord(new OPTRecord(4096, 0, 0, Flags.DO), Section.ADDITIONAL);
        }
        byte[] out = resp.toWire(4096);
        socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
      } catch (RuntimeException e) {
        // malformed query: ignore it
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}

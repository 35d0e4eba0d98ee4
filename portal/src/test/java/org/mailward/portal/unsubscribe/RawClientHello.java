package org.mailward.portal.unsubscribe;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;

/**
 * Sends a hand-built TLS ClientHello offering exactly one protocol version and reads the first
 * record the server answers with. Built by hand so the test's own JDK (which refuses TLS 1.1 on
 * the client side) cannot be what refuses the old version: only the server decides here.
 */
final class RawClientHello {
  static final int TLS_1_1 = 0x0302;
  static final int TLS_1_2 = 0x0303;

  /** What the server answered. */
  record Answer(int recordType, int alertDescription) {
    boolean serverHello() {
      return recordType == 0x16;
    }

    boolean alert() {
      return recordType == 0x15;
    }
  }

  private RawClientHello() {}

  /** ECDHE with AES-GCM first, then CBC and static-RSA suites. */
  static final int[] MIXED = {0xC02B, 0xC02C, 0xC02F, 0xC030, 0xC009, 0xC00A, 0xC013, 0xC014, 0x002F, 0x0035};
  /** CBC and static-RSA suites only (no AEAD, or no forward secrecy). */
  static final int[] CBC_ONLY = {0xC009, 0xC00A, 0xC013, 0xC014, 0x002F, 0x0035};

  static Answer send(InetSocketAddress server, int version) throws IOException {
    return send(server, version, MIXED);
  }

  static Answer send(InetSocketAddress server, int version, int[] suites) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(server, 2000);
      s.setSoTimeout(5000);
      s.getOutputStream().write(hello(version, suites));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      int type = in.read();
      if (type < 0) {
        return new Answer(-1, -1);
      }
      DataInputStream d = new DataInputStream(in);
      d.readUnsignedShort(); // record version
      int length = d.readUnsignedShort();
      byte[] body = new byte[length];
      d.readFully(body);
      return new Answer(type, type == 0x15 && length >= 2 ? body[1] & 0xFF : -1);
    }
  }

  static byte[] hello(int version, int[] suites) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    u16(b, version);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    b.writeBytes(random);
    b.write(0); // no session id
    u16(b, suites.length * 2);
    for (int c : suites) {
      u16(b, c);
    }
    b.write(1); // compression methods: null
    b.write(0);
    ByteArrayOutputStream ext = new ByteArrayOutputStream();
    extension(ext, 0x000a, new int[] {0x0004, 0x0017, 0x0018}); // supported_groups: secp256r1, secp384r1
    extension(ext, 0x000b, new int[] {0x0100}); // ec_point_formats: uncompressed
    extension(ext, 0x000d, new int[] {0x0006, 0x0403, 0x0503, 0x0804}); // signature_algorithms
    byte[] e = ext.toByteArray();
    u16(b, e.length);
    b.writeBytes(e);
    byte[] body = b.toByteArray();

    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(0x16);
    u16(record, 0x0301);
    u16(record, body.length + 4);
    record.write(0x01); // ClientHello
    record.write(0);
    u16(record, body.length);
    record.writeBytes(body);
    return record.toByteArray();
  }

  /** An extension whose data is the given 16-bit words (the first word is usually a length). */
  private static void extension(ByteArrayOutputStream out, int type, int[] words) {
    u16(out, type);
    if (type == 0x000b) {
      u16(out, 2);
      u16(out, words[0]);
      return;
    }
    u16(out, words.length * 2);
    for (int w : words) {
      u16(out, w);
    }
  }

  private static void u16(ByteArrayOutputStream out, int v) {
    out.write((v >>> 8) & 0xFF);
    out.write(v & 0xFF);
  }
}

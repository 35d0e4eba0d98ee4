package org.mailward.policy.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailward.api.HeaderEdit;

/**
 * The header section of a message as a list of raw fields, read from the start of a stream up to
 * the empty line; bytes are kept 1:1 (ISO-8859-1 as a byte carrier, so UTF-8 headers survive).
 * Applies {@link HeaderEdit}s and writes the result. Bounded: a header over {@link #MAX_BYTES} is
 * an error. Not a parser of field contents.
 */
final class HeaderBlock {
  static final int MAX_BYTES = 1 << 20;

  /** One field: its name and its full raw text without the final CRLF (folding kept). */
  record Field(String name, String raw) {
    static Field of(String name, String value) {
      String clean = new String(value.replace("\r", " ").replace("\n", " ").getBytes(StandardCharsets.UTF_8),
          StandardCharsets.ISO_8859_1);
      return new Field(name, name + ": " + clean);
    }

    boolean is(String other) {
      return name.equalsIgnoreCase(other);
    }
  }

  private final List<Field> fields;
  private final long length;

  private HeaderBlock(List<Field> fields, long length) {
    this.fields = fields;
    this.length = length;
  }

  List<Field> fields() {
    return List.copyOf(fields);
  }

  /** Bytes of the header section in the source, including the empty line that ends it. */
  long length() {
    return length;
  }

  static HeaderBlock read(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    long consumed = 0;
    int b;
    while ((b = in.read()) >= 0) {
      consumed++;
      if (consumed > MAX_BYTES) {
        throw new IOException("header section larger than " + MAX_BYTES + " bytes");
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        line.reset();
        if (len == 0) {
          break;
        }
        lines.add(new String(bytes, 0, len, StandardCharsets.ISO_8859_1));
      } else {
        line.write(b);
      }
    }
    if (line.size() > 0) {
      lines.add(new String(line.toByteArray(), StandardCharsets.ISO_8859_1));
    }
    List<Field> fields = new ArrayList<>();
    StringBuilder current = null;
    for (String l : lines) {
      if (!l.isEmpty() && (l.charAt(0) == ' ' || l.charAt(0) == '\t') && current != null) {
        current.append("\r\n").append(l);
        continue;
      }
      if (current != null) {
        fields.add(toField(current.toString()));
      }
      current = new StringBuilder(l);
    }
    if (current != null) {
      fields.add(toField(current.toString()));
    }
    return new HeaderBlock(fields, consumed);
  }

  private static Field toField(String raw) {
    int colon = raw.indexOf(':');
    return new Field(colon < 0 ? raw.strip() : raw.substring(0, colon).strip(), raw);
  }

  /** A new block with the edits applied in order; the source length is kept. */
  HeaderBlock apply(List<HeaderEdit> edits) {
    List<Field> out = new ArrayList<>(fields);
    for (HeaderEdit edit : edits) {
      if (edit instanceof HeaderEdit.Add add) {
        out.add(0, Field.of(add.name(), add.value()));
      } else if (edit instanceof HeaderEdit.Remove remove) {
        out.removeIf(f -> f.is(remove.name()));
      } else if (edit instanceof HeaderEdit.Replace replace) {
        replace(out, replace);
      }
    }
    return new HeaderBlock(out, length);
  }

  private static void replace(List<Field> out, HeaderEdit.Replace replace) {
    int first = -1;
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).is(replace.name())) {
        first = i;
        break;
      }
    }
    Field field = Field.of(replace.name(), replace.value());
    if (first < 0) {
      out.add(0, field);
      return;
    }
    out.set(first, field);
    for (int i = out.size() - 1; i > first; i--) {
      if (out.get(i).is(replace.name())) {
        out.remove(i);
      }
    }
  }

  /** A new block with {@code field} on top. */
  HeaderBlock withFirst(Field field) {
    List<Field> out = new ArrayList<>(fields.size() + 1);
    out.add(field);
    out.addAll(fields);
    return new HeaderBlock(out, length);
  }

  void writeTo(OutputStream out) throws IOException {
    for (Field f : fields) {
      out.write(f.raw().getBytes(StandardCharsets.ISO_8859_1));
      out.write('\r');
      out.write('\n');
    }
    out.write('\r');
    out.write('\n');
  }

  /** RFC 6376 relaxed header canonicalization of one field, without the final CRLF. */
  static String relaxed(String raw) {
    int colon = raw.indexOf(':');
    String name = raw.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    String value = raw.substring(colon + 1).replace("\r\n", "");
    StringBuilder sb = new StringBuilder(name.length() + value.length() + 1).append(name).append(':');
    boolean space = false;
    boolean started = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t') {
        space = true;
        continue;
      }
      if (space && started) {
        sb.append(' ');
      }
      space = false;
      started = true;
      sb.append(c);
    }
    return sb.toString();
  }
}

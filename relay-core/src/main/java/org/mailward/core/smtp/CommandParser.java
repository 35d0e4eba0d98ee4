package org.mailward.core.smtp;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.mailward.api.EmailAddress;
import org.mailward.api.MailParameters;
import org.mailward.api.MailParameters.BodyType;
import org.mailward.api.MailParameters.DsnReturn;
import org.mailward.api.Recipient;
import org.mailward.api.SmtpReply;
import org.mailward.core.smtp.SmtpCommand.Verb;

/**
 * Parses one command line (without its CRLF) into an {@link SmtpCommand}. Pure
 * and total: any string gives a command, never an exception. Knows the syntax of
 * RFC 5321 and the extensions Mailward advertises (SIZE, BODY, SMTPUTF8,
 * REQUIRETLS, DSN, CHUNKING); it does not know the session (that is {@link SmtpProtocol}).
 */
public final class CommandParser {
  /** Longest chunk a single BDAT may announce (1 GiB); larger sizes are a syntax error. */
  static final long MAX_BDAT = 1L << 30;

  private CommandParser() {}

  public static SmtpCommand parse(String line) {
    int sp = line.indexOf(' ');
    String verbText = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
    String args = sp < 0 ? "" : line.substring(sp + 1).strip();
    Verb verb;
    try {
      verb = Verb.valueOf(verbText);
    } catch (IllegalArgumentException e) {
      return new SmtpCommand.Unknown();
    }
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < 32 && c != '\t' || c == 127) {
        return malformed(verb, 501, "5.5.2", "Control characters not allowed");
      }
    }
    return switch (verb) {
      case EHLO, HELO -> helo(verb, args);
      case STARTTLS -> args.isEmpty() ? new SmtpCommand.StartTls() : malformed(verb, 501, "5.5.4", "STARTTLS takes no parameters");
      case AUTH -> auth(args);
      case MAIL -> mail(args);
      case RCPT -> rcpt(args);
      case DATA -> args.isEmpty() ? new SmtpCommand.Data() : malformed(verb, 501, "5.5.4", "DATA takes no parameters");
      case BDAT -> bdat(args);
      case RSET -> args.isEmpty() ? new SmtpCommand.Rset() : malformed(verb, 501, "5.5.4", "RSET takes no parameters");
      case NOOP -> new SmtpCommand.Noop();
      case QUIT -> args.isEmpty() ? new SmtpCommand.Quit() : malformed(verb, 501, "5.5.4", "QUIT takes no parameters");
      case VRFY -> args.isEmpty() ? malformed(verb, 501, "5.5.4", "VRFY needs an argument") : new SmtpCommand.Vrfy();
      case HELP -> new SmtpCommand.Help();
    };
  }

  private static SmtpCommand malformed(Verb verb, int code, String status, String text) {
    return new SmtpCommand.Malformed(verb, SmtpReply.of(code, status, text));
  }

  private static SmtpCommand helo(Verb verb, String args) {
    if (args.isEmpty() || args.length() > 255 || args.indexOf(' ') >= 0 || args.indexOf('\t') >= 0) {
      return malformed(verb, 501, "5.5.4", "Syntax: " + verb + " hostname");
    }
    for (int i = 0; i < args.length(); i++) {
      char c = args.charAt(i);
      boolean ok = c > 32 && c < 127 && c != '(' && c != ')' && c != ';' && c != '\\' && c != '"' || c > 127;
      if (!ok) {
        return malformed(verb, 501, "5.5.4", "Invalid host name");
      }
    }
    return verb == Verb.EHLO ? new SmtpCommand.Ehlo(args) : new SmtpCommand.Helo(args);
  }

  private static SmtpCommand auth(String args) {
    String[] parts = args.split(" +");
    if (args.isEmpty() || parts.length > 2) {
      return malformed(Verb.AUTH, 501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
    }
    String mech = parts[0].toUpperCase(Locale.ROOT);
    Optional<String> initial = parts.length == 2 ? Optional.of(parts[1]) : Optional.empty();
    return new SmtpCommand.Auth(mech, initial);
  }

  private static SmtpCommand bdat(String args) {
    String[] parts = args.split(" +");
    if (args.isEmpty() || parts.length > 2 || parts.length == 2 && !parts[1].equalsIgnoreCase("LAST")) {
      return malformed(Verb.BDAT, 501, "5.5.4", "Syntax: BDAT size [LAST]");
    }
    String n = parts[0];
    if (n.isEmpty() || n.length() > 10 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return malformed(Verb.BDAT, 501, "5.5.4", "Syntax: BDAT size [LAST]");
    }
    long size = Long.parseLong(n);
    if (size > MAX_BDAT) {
      return malformed(Verb.BDAT, 552, "5.3.4", "Chunk too large");
    }
    return new SmtpCommand.Bdat(size, parts.length == 2);
  }

  /** Splits {@code FROM:<path> params} after the keyword; null when the keyword or brackets are wrong. */
  private static String[] pathAndParams(String args, String keyword) {
    if (args.length() < keyword.length() || !args.regionMatches(true, 0, keyword, 0, keyword.length())) {
      return null;
    }
    String rest = args.substring(keyword.length()).stripLeading();
    if (!rest.startsWith("<")) {
      return null;
    }
    int close = closingBracket(rest);
    if (close < 0) {
      return null;
    }
    String path = rest.substring(1, close);
    String params = rest.substring(close + 1);
    if (!params.isEmpty() && params.charAt(0) != ' ') {
      return null;
    }
    return new String[] {path, params.strip()};
  }

  /** Index of the '>' ending the path, skipping quoted strings. */
  private static int closingBracket(String s) {
    boolean quoted = false;
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == '>' && !quoted) {
        return i;
      }
    }
    return -1;
  }

  /** Drops an obsolete source route {@code @a,@b:}. */
  private static String stripSourceRoute(String path) {
    if (path.startsWith("@")) {
      int colon = path.indexOf(':');
      return colon < 0 ? path : path.substring(colon + 1);
    }
    return path;
  }

  private static SmtpCommand mail(String args) {
    String[] pp = pathAndParams(args, "FROM:");
    if (pp == null) {
      return malformed(Verb.MAIL, 501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]");
    }
    long size = 0;
    BodyType body = BodyType.SEVEN_BIT;
    boolean utf8 = false;
    boolean requireTls = false;
    Optional<DsnReturn> ret = Optional.empty();
    Optional<String> envid = Optional.empty();
    Set<String> seen = new HashSet<>();
    for (String p : params(pp[1])) {
      int eq = p.indexOf('=');
      String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
      String value = eq < 0 ? null : p.substring(eq + 1);
      if (!seen.add(key)) {
        return malformed(Verb.MAIL, 501, "5.5.4", "Duplicate parameter " + safe(key));
      }
      switch (key) {
        case "SIZE" -> {
          if (value == null || value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return malformed(Verb.MAIL, 501, "5.5.4", "Invalid SIZE parameter");
          }
          size = Long.parseLong(value);
        }
        case "BODY" -> {
          String v = value == null ? "" : value.toUpperCase(Locale.ROOT);
          switch (v) {
            case "7BIT" -> body = BodyType.SEVEN_BIT;
            case "8BITMIME" -> body = BodyType.EIGHT_BIT_MIME;
            case "BINARYMIME" -> body = BodyType.BINARY_MIME;
            default -> {
              return malformed(Verb.MAIL, 501, "5.5.4", "Invalid BODY parameter");
            }
          }
        }
        case "SMTPUTF8" -> {
          if (value != null) {
            return malformed(Verb.MAIL, 501, "5.5.4", "SMTPUTF8 takes no value");
          }
          utf8 = true;
        }
        case "REQUIRETLS" -> {
          if (value != null) {
            return malformed(Verb.MAIL, 501, "5.5.4", "REQUIRETLS takes no value");
          }
          requireTls = true;
        }
        case "RET" -> {
          String v = value == null ? "" : value.toUpperCase(Locale.ROOT);
          if (!v.equals("FULL") && !v.equals("HDRS")) {
            return malformed(Verb.MAIL, 501, "5.5.4", "Invalid RET parameter");
          }
          ret = Optional.of(DsnReturn.valueOf(v));
        }
        case "ENVID" -> {
          Optional<String> decoded = value == null || value.length() > 100 ? Optional.empty() : Xtext.decode(value);
          if (decoded.isEmpty()) {
            return malformed(Verb.MAIL, 501, "5.5.4", "Invalid ENVID parameter");
          }
          envid = decoded;
        }
        case "AUTH" -> {
          // RFC 4954 AUTH= on MAIL is accepted and ignored: the session's identity is what counts.
        }
        default -> {
          return malformed(Verb.MAIL, 555, "5.5.4", "Unsupported parameter " + safe(key));
        }
      }
    }
    Optional<EmailAddress> reversePath;
    String path = stripSourceRoute(pp[0]);
    if (path.isEmpty()) {
      reversePath = Optional.empty();
    } else {
      reversePath = EmailAddress.parse(path, true);
      if (reversePath.isEmpty()) {
        return malformed(Verb.MAIL, 501, "5.1.7", "Invalid sender address");
      }
    }
    return new SmtpCommand.Mail(reversePath, new MailParameters(size, body, utf8, requireTls, ret, envid));
  }

  private static SmtpCommand rcpt(String args) {
    String[] pp = pathAndParams(args, "TO:");
    if (pp == null) {
      return malformed(Verb.RCPT, 501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]");
    }
    Set<Recipient.Notify> notify = EnumSet.noneOf(Recipient.Notify.class);
    Optional<String> orcpt = Optional.empty();
    Set<String> seen = new HashSet<>();
    for (String p : params(pp[1])) {
      int eq = p.indexOf('=');
      String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
      String value = eq < 0 ? "" : p.substring(eq + 1);
      if (!seen.add(key)) {
        return malformed(Verb.RCPT, 501, "5.5.4", "Duplicate parameter " + safe(key));
      }
      switch (key) {
        case "NOTIFY" -> {
          for (String v : value.split(",", -1)) {
            try {
              notify.add(Recipient.Notify.valueOf(v.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
              return malformed(Verb.RCPT, 501, "5.5.4", "Invalid NOTIFY parameter");
            }
          }
          if (notify.contains(Recipient.Notify.NEVER) && notify.size() > 1) {
            return malformed(Verb.RCPT, 501, "5.5.4", "NOTIFY=NEVER cannot be combined");
          }
        }
        case "ORCPT" -> {
          int semi = value.indexOf(';');
          if (semi <= 0 || value.length() > 500 || Xtext.decode(value.substring(semi + 1)).isEmpty()) {
            return malformed(Verb.RCPT, 501, "5.5.4", "Invalid ORCPT parameter");
          }
          orcpt = Optional.of(value);
        }
        default -> {
          return malformed(Verb.RCPT, 555, "5.5.4", "Unsupported parameter " + safe(key));
        }
      }
    }
    Optional<EmailAddress> address = EmailAddress.parse(stripSourceRoute(pp[0]), true);
    if (address.isEmpty()) {
      return malformed(Verb.RCPT, 501, "5.1.3", "Invalid recipient address");
    }
    return new SmtpCommand.Rcpt(new Recipient(address.get(), notify, orcpt));
  }

  private static String[] params(String text) {
    return text.isEmpty() ? new String[0] : text.split("[ \t]+");
  }

  /** A parameter keyword fit to echo: short, printable ASCII only. */
  private static String safe(String key) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < key.length() && i < 20; i++) {
      char c = key.charAt(i);
      sb.append(c > 32 && c < 127 ? c : '?');
    }
    return sb.toString();
  }
}

package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.admin.auth.AdminTokens;
import org.mailward.admin.auth.Role;
import org.mailward.app.config.ConfigLoader;

/**
 * The policy dry-run through the admin API of a running relay: each PHI finding that made the
 * verdict comes back with its category, rule, MIME part and character offsets into that part's
 * decoded text — offsets that point at the name and the condition in the original even when the
 * part is quoted-printable with a soft break and a zero-width character inside the name — and
 * never with the matched text.
 */
class PolicyDryRunIT {
  private static final String NAME = "Ezekiel Szy\u200Bmanski";
  private static final String TEXT = "Your replacement kit goes to " + NAME + ", 8644 Kingfisher Avenue, Bend, OR 97701 this week. "
      + "The nurse will review the plan for your osteoporosis when it arrives.";

  @TempDir Path dir;
  private Relay relay;
  private AdminTokens tokens;

  @BeforeEach
  void start() throws Exception {
    Path config = TestRelays.write(dir, 0, "marketing", """
            policy:
              phi:
                bodyLevel: verify
        """, "");
    var cfg = new ConfigLoader().load(config, Map.of());
    relay = Relay.start(cfg, config.toString(), Map.of(), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    tokens = new AdminTokens(dir.resolve("data/keys/admin-tokens"), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  @Test
  void phiFindings_carryTheirPartAndOffsetsIntoTheDecodedText_butNotTheText() throws Exception {
    String compliance = tokens.create(Role.COMPLIANCE, Optional.empty()).token();
    AdminHttp api = new AdminHttp(relay.listeners().get("admin"));
    assertThat(api.call("PUT", "/api/v1/tenants/clinic/consent/ann@patients.example", compliance,
        "{\"purposes\":[\"marketing\"],\"evidence\":\"f\",\"expiresAt\":\"" + LocalDate.now().plusDays(30) + "\"}").status())
        .isEqualTo(200);
    String message = "From: <news@clinic.example>\r\nSubject: News from your clinic\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
        + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOur spring newsletter is here.\r\n"
        + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + quotedPrintable(TEXT) + "\r\n--b1--\r\n";

    AdminHttp.Reply reply = api.call("POST", "/api/v1/policy/check?tenant=clinic&rcpt=ann@patients.example", compliance, message,
        "message/rfc822");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode m = reply.json().get("message");
    assertThat(m.get("requiredLevel").asText()).isEqualTo("verify");
    List<String> located = new ArrayList<>();
    for (JsonNode f : m.get("phiFindings")) {
      assertThat(f.get("part").asText()).isEqualTo("part 2");
      located.add(f.get("category").asText() + ":" + TEXT.substring(f.get("start").asInt(), f.get("end").asInt()));
    }
    assertThat(located).containsExactlyInAnyOrder("name:" + NAME, "health:osteoporosis");
    assertThat(reply.body()).doesNotContain("Ezekiel").doesNotContain("osteoporosis").doesNotContain("Szy");
    assertThat(m.get("phiCounts").toString()).contains("name.addressee");
  }

  /** Quoted-printable as an ESP writes it: UTF-8 bytes above 127 as =XX, a soft break every 40 characters. */
  private static String quotedPrintable(String text) {
    StringBuilder out = new StringBuilder();
    int line = 0;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      String piece = (b & 0xFF) > 126 || b == '=' ? String.format("=%02X", b & 0xFF) : String.valueOf((char) b);
      if (line + piece.length() > 40) {
        out.append("=\r\n");
        line = 0;
      }
      out.append(piece);
      line += piece.length();
    }
    return out.toString();
  }
}

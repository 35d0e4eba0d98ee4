package org.mailward.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mailward.admin.cli.Mailwardctl;

/** One mailwardctl run through its picocli entry point against a relay's admin API: exit code, standard output and error. */
record CtlRun(int code, String out, String err) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static CtlRun of(String url, String token, String... args) {
    List<String> all = new ArrayList<>(List.of("--url", url, "--token", token));
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Mailwardctl.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        all.toArray(String[]::new));
    return new CtlRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The --json output; fails the test unless the run exited 0. */
  JsonNode json() {
    if (code != 0) {
      throw new AssertionError("mailwardctl exited " + code + ": " + err);
    }
    try {
      return JSON.readTree(out);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + out, e);
    }
  }
}

package org.mailward.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small client of a running relay's admin API for tests: JSON in, status and JSON (or text) out. */
final class AdminHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  AdminHttp(InetSocketAddress admin) {
    this.base = "http://127.0.0.1:" + admin.getPort();
  }

  record Reply(int status, String body) {
    JsonNode json() {
      try {
        return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  /** The admin token a relay prints on its first start. */
  static String printedToken(String printed) {
    Matcher m = Pattern.compile("admin token: (mwt_\\S+)").matcher(printed);
    if (!m.find()) {
      throw new AssertionError("no admin token printed");
    }
    return m.group(1);
  }

  Reply call(String method, String path, String token, String body) throws IOException, InterruptedException {
    return call(method, path, token, body, "application/json");
  }

  Reply call(String method, String path, String token, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", contentType);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }
}

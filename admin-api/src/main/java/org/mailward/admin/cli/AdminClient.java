package org.mailward.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.mailward.admin.http.Json;
import org.mailward.admin.http.PemTrust;

/**
 * The HTTP side of mailwardctl: one request per call, the bearer token on each, problems turned
 * into a {@link Failure} carrying the exit code the manual documents (3 request refused, 4 not
 * authenticated or not allowed, 5 server error or unreachable).
 */
final class AdminClient {
  private final HttpClient http;
  private final String base;
  private final String token;

  /** A failed call: the exit code and a one-line message (the problem's detail and field). */
  static final class Failure extends RuntimeException {
    final int exitCode;

    Failure(int exitCode, String message) {
      super(message, null, false, false);
      this.exitCode = exitCode;
    }
  }

  AdminClient(String base, String token, Path caCert) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (caCert != null) {
      b.sslContext(trusting(caCert));
    }
    this.http = b.build();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  JsonNode get(String path) {
    return json(send("GET", path, null, null));
  }

  JsonNode post(String path, JsonNode body) {
    return json(send("POST", path, body == null ? null : HttpRequest.BodyPublishers.ofString(Json.write(body)),
        body == null ? null : "application/json"));
  }

  JsonNode put(String path, JsonNode body) {
    return json(send("PUT", path, HttpRequest.BodyPublishers.ofString(Json.write(body)), "application/json"));
  }

  JsonNode delete(String path) {
    return json(send("DELETE", path, null, null));
  }

  JsonNode upload(String path, Path file, String contentType) {
    try {
      return json(send("POST", path, HttpRequest.BodyPublishers.ofFile(file), contentType));
    } catch (java.io.FileNotFoundException e) {
      throw new Failure(2, "cannot read " + file);
    }
  }

  /** For streaming answers (NDJSON export): the raw body. */
  InputStream stream(String path) {
    HttpResponse<InputStream> r = exchange("GET", path, null, null, HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() >= 300) {
      try (InputStream in = r.body()) {
        throw failure(r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new Failure(5, "HTTP " + r.statusCode());
      }
    }
    return r.body();
  }

  private String send(String method, String path, HttpRequest.BodyPublisher body, String contentType) {
    HttpResponse<String> r = exchange(method, path, body, contentType, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw failure(r.statusCode(), r.body());
    }
    return r.body();
  }

  private <T> HttpResponse<T> exchange(String method, String path, HttpRequest.BodyPublisher body, String contentType,
      HttpResponse.BodyHandler<T> handler) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body).header("Accept", "application/json");
    if (token != null && !token.isBlank()) {
      b.header("Authorization", "Bearer " + token.trim());
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    try {
      return http.send(b.build(), handler);
    } catch (ConnectException e) {
      throw new Failure(5, "cannot connect to " + base + " (is the relay running? admin.enabled, admin.port)");
    } catch (IOException e) {
      throw new Failure(5, "request to " + base + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure(5, "interrupted");
    }
  }

  private static Failure failure(int status, String body) {
    String message = "HTTP " + status;
    try {
      JsonNode p = Json.MAPPER.readTree(body);
      message = p.path("title").asText("HTTP " + status) + ": " + p.path("detail").asText("")
          + (p.hasNonNull("field") ? " (field: " + p.get("field").asText() + ")" : "");
    } catch (IOException | RuntimeException e) {
      // not a problem document: keep the status line
    }
    int code = status == 401 || status == 403 || status == 429 ? 4 : status >= 500 ? 5 : 3;
    return new Failure(code, message);
  }

  private static JsonNode json(String body) {
    try {
      return body == null || body.isBlank() ? Json.object() : Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new Failure(5, "the server answered something that is not JSON");
    }
  }

  private static SSLContext trusting(Path pem) {
    try {
      KeyStore ks = PemTrust.load(pem);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new Failure(2, "--cacert " + pem + ": " + e.getMessage());
    }
  }
}

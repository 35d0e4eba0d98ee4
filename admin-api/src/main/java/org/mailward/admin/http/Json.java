package org.mailward.admin.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON in and out of the admin API with one {@link ObjectMapper}: responses are built as trees
 * (so what goes on the wire is spelled out in the handler), problems as RFC 9457 objects.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  public static void send(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(write(body));
  }

  public static void problem(Context ctx, ApiProblem p) {
    ObjectNode o = object().put("type", p.type()).put("title", p.title()).put("status", p.status()).put("detail", p.detail());
    p.field().ifPresent(f -> o.put("field", f));
    if (p.status() == 429 || p.status() == 503) {
      ctx.header("Retry-After", "60");
    }
    if (p.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"mailward-admin\"");
    }
    ctx.status(p.status()).contentType("application/problem+json").result(write(o));
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The request body as a JSON object; a 400 naming {@code body} when it is not one. */
  public static Body body(Context ctx) {
    try {
      String text = ctx.body();
      JsonNode n = text.isBlank() ? null : MAPPER.readTree(text);
      if (n == null || !n.isObject()) {
        throw ApiProblem.badField("body", "the request body must be a JSON object");
      }
      return new Body((ObjectNode) n);
    } catch (IOException e) {
      throw ApiProblem.badField("body", "the request body is not valid JSON");
    }
  }
}

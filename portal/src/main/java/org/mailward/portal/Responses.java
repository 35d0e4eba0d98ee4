package org.mailward.portal;

import io.javalin.http.Context;
import java.util.Locale;

/**
 * Writes pages and problems onto a Javalin context: problem JSON for clients that accept JSON
 * ({@code application/json}, {@code application/problem+json}), the same problem as a small
 * HTML page for browsers and everything else.
 */
public final class Responses {
  private Responses() {}

  public static void page(Context ctx, int status, String html) {
    ctx.status(status).contentType("text/html; charset=utf-8").result(html);
  }

  public static void problem(Context ctx, Problem p) {
    ctx.status(p.status());
    if (p.status() == 503) {
      ctx.header("Retry-After", "60");
    }
    if (wantsJson(ctx.header("Accept"))) {
      ctx.contentType("application/problem+json").result(p.json());
    } else {
      ctx.contentType("text/html; charset=utf-8").result(Pages.problem(p));
    }
  }

  static boolean wantsJson(String accept) {
    if (accept == null) {
      return false;
    }
    String a = accept.toLowerCase(Locale.ROOT);
    return a.contains("application/json") || a.contains("application/problem+json");
  }
}

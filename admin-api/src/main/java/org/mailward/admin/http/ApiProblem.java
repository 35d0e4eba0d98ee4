package org.mailward.admin.http;

import java.util.Optional;

/**
 * An RFC 9457 problem the admin API answers with ({@code application/problem+json}), thrown by
 * handlers and turned into a response in one place. {@code field} names the request field at
 * fault (a JSON pointer-like dotted name, a query parameter or a path parameter) for 400s. Texts
 * are ours; nothing from the request is echoed except the field's name.
 */
public final class ApiProblem extends RuntimeException {
  private static final String TYPES = "https://mailward.org/problems/";
  private final int status;
  private final String name;
  private final String title;
  private final Optional<String> field;

  private ApiProblem(int status, String name, String title, String detail, Optional<String> field) {
    super(detail, null, false, false);
    this.status = status;
    this.name = name;
    this.title = title;
    this.field = field;
  }

  public static ApiProblem badField(String field, String detail) {
    return new ApiProblem(400, "invalid-field", "Invalid request field", detail, Optional.of(field));
  }

  public static ApiProblem unauthorized() {
    return new ApiProblem(401, "unauthorized", "Authentication required",
        "Send 'Authorization: Bearer <token>' with a valid admin token.", Optional.empty());
  }

  public static ApiProblem forbidden() {
    return new ApiProblem(403, "forbidden", "Not allowed", "This token's role may not do this.", Optional.empty());
  }

  public static ApiProblem notFound(String what) {
    return new ApiProblem(404, "not-found", "Not found", what + " does not exist.", Optional.empty());
  }

  public static ApiProblem conflict(String detail) {
    return new ApiProblem(409, "conflict", "Conflict", detail, Optional.empty());
  }

  public static ApiProblem throttled() {
    return new ApiProblem(429, "throttled", "Too many failed authentications",
        "Too many invalid tokens from this address; try again later.", Optional.empty());
  }

  public static ApiProblem tooLarge(String detail) {
    return new ApiProblem(413, "too-large", "Request too large", detail, Optional.empty());
  }

  public static ApiProblem unavailable(String detail) {
    return new ApiProblem(503, "unavailable", "Temporarily unavailable", detail, Optional.empty());
  }

  public static ApiProblem internal() {
    return new ApiProblem(500, "internal", "Internal error", "The request failed; the server log has the reason.",
        Optional.empty());
  }

  public int status() {
    return status;
  }

  public String type() {
    return TYPES + name;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public Optional<String> field() {
    return field;
  }
}

package org.mailward.admin.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Set;
import org.mailward.admin.auth.Principal;
import org.mailward.admin.auth.Role;

/**
 * One route of the API: method, path (Javalin syntax, {@code {name}} for a parameter), the roles
 * allowed, and the handler. An empty role set means no token is needed (health, the OpenAPI
 * document). The route table is what the server registers and what the OpenAPI test compares with
 * the published document.
 */
public record Route(HandlerType method, String path, Set<Role> roles, Handler handler) {
  public Route {
    roles = Set.copyOf(roles);
  }

  public boolean open() {
    return roles.isEmpty();
  }

  @FunctionalInterface
  public interface Handler {
    /** @param caller the authenticated caller; null for open routes */
    void handle(Context ctx, Principal caller) throws Exception;
  }

  public static Route get(String path, Set<Role> roles, Handler h) {
    return new Route(HandlerType.GET, path, roles, h);
  }

  public static Route post(String path, Set<Role> roles, Handler h) {
    return new Route(HandlerType.POST, path, roles, h);
  }

  public static Route put(String path, Set<Role> roles, Handler h) {
    return new Route(HandlerType.PUT, path, roles, h);
  }

  public static Route delete(String path, Set<Role> roles, Handler h) {
    return new Route(HandlerType.DELETE, path, roles, h);
  }
}

package org.mailward.policy.unsubscribe;

import java.util.List;
import org.mailward.api.HeaderEdit;
import org.mailward.policy.PolicyConfig.UnsubscribePolicy;

/**
 * Builds the RFC 2369 / RFC 8058 header edits for one token: {@code List-Unsubscribe} with the
 * HTTPS link (and a mailto alternative when configured) and {@code List-Unsubscribe-Post:
 * List-Unsubscribe=One-Click}. Replace edits, so an ESP's own header does not stay beside ours.
 */
public final class ListUnsubscribe {
  private ListUnsubscribe() {}

  public static List<HeaderEdit> headers(UnsubscribePolicy policy, String token) {
    String base = policy.baseUrl().orElseThrow().toString();
    StringBuilder value = new StringBuilder("<").append(base.endsWith("/") ? base : base + "/").append("u/").append(token)
        .append('>');
    policy.mailto().ifPresent(m -> value.append(", <mailto:").append(m).append("?subject=unsubscribe%20").append(token)
        .append('>'));
    return List.of(new HeaderEdit.Replace("List-Unsubscribe", value.toString()),
        new HeaderEdit.Replace("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
  }
}

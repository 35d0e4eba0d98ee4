package org.mailward.core.smtp;

import java.util.ArrayList;
import java.util.List;

/** The result of one transition: the new state and the effects to carry out, in order. */
public record Step(SessionState state, List<Effect> effects) {
  public Step {
    effects = List.copyOf(effects);
  }

  /** The responses among the effects, in order. */
  public List<Response> responses() {
    List<Response> out = new ArrayList<>();
    for (Effect e : effects) {
      if (e instanceof Effect.Send s) {
        out.add(s.response());
      }
    }
    return out;
  }
}

// One message's result: its label and what the policy engine did with it, and
// whether that is what a correct detector does (refuse Subject PHI, raise the
// level for body/attachment PHI, leave clean mail alone).
package org.mailward.bench.phi;

record Scored(LabelledMessage message, PolicyUnderTest.Observation observation) {

  /** True when the outcome is the one a correct detector produces. */
  boolean correct() {
    PolicyUnderTest.Outcome o = observation.outcome();
    if (!message.phi()) {
      return o == PolicyUnderTest.Outcome.PASSED;
    }
    return message.expectsRefusal() ? o == PolicyUnderTest.Outcome.REFUSED : o.flagged();
  }

  /** PHI caught in some way, even if not the expected one (e.g. Subject PHI that only raised the level). */
  boolean flagged() {
    return observation.outcome().flagged();
  }
}

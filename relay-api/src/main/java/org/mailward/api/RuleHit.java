package org.mailward.api;

import java.util.List;

/**
 * Evidence for an audit record: which rule or detector fired and how often, and — for a content
 * detector whose findings made a verdict — where each finding lies. Never the matched text: a
 * location is a place in the message and character offsets, which the audit does not record and
 * the policy dry-run reports so an operator can look at the original.
 *
 * @param rule the rule or detector
 * @param count how often it fired
 * @param locations where its findings lie (empty for most rules)
 */
public record RuleHit(String rule, int count, List<Location> locations) {
  public RuleHit {
    locations = List.copyOf(locations);
  }

  /** A hit without locations. */
  public RuleHit(String rule, int count) {
    this(rule, count, List.of());
  }

  /**
   * One finding's place: {@code where} names the part ({@code subject}, {@code part N},
   * {@code attachment N}, {@code attachment-name N}; N counts MIME leaf parts from 1) and
   * {@code [start, end)} are character offsets into that part's decoded text (after transfer
   * and charset decoding and HTML reduced to text, before Unicode normalisation).
   */
  public record Location(String where, int start, int end) {}
}

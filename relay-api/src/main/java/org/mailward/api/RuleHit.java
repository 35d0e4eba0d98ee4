package org.mailward.api;

/**
 * Evidence for an audit record: which rule or detector fired and how often.
 * Never the matched text.
 */
public record RuleHit(String rule, int count) {}

package org.mailward.policy.phi;

/**
 * A finding and where it is: {@code subject}, {@code part N} (a text part, N counting every MIME
 * part from 1 in the order of the message) or {@code attachment N}. The finding's offsets are into
 * that place's text as decoded (charset, transfer encoding, HTML reduced to text), before the
 * Unicode normalisation the detector matches on, so a dry-run report can quote the original. Holds
 * no text.
 */
public record PhiEvidence(String where, PhiFinding finding) {}

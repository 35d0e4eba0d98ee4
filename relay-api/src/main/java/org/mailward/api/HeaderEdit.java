package org.mailward.api;

/**
 * A change to the message header decided by policy. Edits are stored with the
 * message and applied when it is prepared for delivery (the body in the spool is
 * never rewritten), then DKIM signing, if any, covers the edited header.
 */
public sealed interface HeaderEdit {
  /** Adds a field at the top of the header. */
  record Add(String name, String value) implements HeaderEdit {}

  /** Removes every field with this name (case-insensitive). */
  record Remove(String name) implements HeaderEdit {}

  /** Replaces every field with this name by one field with this value (adds it if absent). */
  record Replace(String name, String value) implements HeaderEdit {}
}

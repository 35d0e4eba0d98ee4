package org.mailward.api;

/** One recipient of one spooled message: the message id and the index in its envelope. */
public record RecipientRef(MessageId messageId, int index) implements Comparable<RecipientRef> {
  @Override
  public int compareTo(RecipientRef o) {
    int c = messageId.compareTo(o.messageId);
    return c != 0 ? c : Integer.compare(index, o.index);
  }
}

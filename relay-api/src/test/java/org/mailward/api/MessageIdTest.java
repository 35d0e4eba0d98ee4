package org.mailward.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MessageIdTest {
  private final SplittableRandom random = new SplittableRandom(42);

  @Test
  void textForm_roundTrips_andHas26Characters() {
    for (int i = 0; i < 1000; i++) {
      MessageId id = MessageId.generate(1_700_000_000_000L + i, random);
      String text = id.toString();
      assertThat(text).hasSize(26).matches("[0-9A-HJKMNP-TV-Z]{26}");
      assertThat(MessageId.parse(text)).isEqualTo(id);
      assertThat(MessageId.fromBytes(id.toBytes())).isEqualTo(id);
    }
  }

  @Test
  void ids_sortByCreationTime_asValuesAndAsText() {
    List<MessageId> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ids.add(MessageId.generate(1_700_000_000_000L + i * 1000L, random));
    }
    for (int i = 1; i < ids.size(); i++) {
      assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1));
      assertThat(ids.get(i).toString()).isGreaterThan(ids.get(i - 1).toString());
    }
    assertThat(ids.get(5).epochMillis()).isEqualTo(1_700_000_005_000L);
  }

  @Test
  void parse_rejectsWrongLengthAndAlphabet() {
    assertThatThrownBy(() -> MessageId.parse("ABC")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MessageId.parse("0123456789ABCDEFGHJKMNPQRU")).isInstanceOf(IllegalArgumentException.class);
  }
}

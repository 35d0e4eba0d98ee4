package org.mailward.policy.phi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TenantRegexTest {
  @Test
  void leadingLiteral_isTakenOnlyWhenEveryMatchMustStartWithIt() {
    assertThat(TenantRegex.leadingLiteral("\\bMRN[:#]?\\s*\\d{7}\\b")).isEqualTo("MRN");
    assertThat(TenantRegex.leadingLiteral("MRN-[0-9]{8}")).isEqualTo("MRN");
    assertThat(TenantRegex.leadingLiteral("Member ID\\s*\\d+")).isEqualTo("Member ID");
    assertThat(TenantRegex.leadingLiteral("MRNS?\\d+")).isEqualTo("MRN");
    assertThat(TenantRegex.leadingLiteral("MR?N\\d+")).isNull();
    assertThat(TenantRegex.leadingLiteral("MRN\\d+|ID\\d+")).isNull();
    assertThat(TenantRegex.leadingLiteral("(?i)mrn\\d+")).isNull();
    assertThat(TenantRegex.leadingLiteral("\\d{3}-\\d{7}")).isNull();
    assertThat(TenantRegex.leadingLiteral("^MRN\\d+")).isNull();
  }

  @Test
  void matches_areExactlyThoseOfFind_onSeededTexts() {
    String[] regexes = {"\\bMRN[:#]?\\s*\\d{7}\\b", "MRN-[0-9]{8}", "MRNS?\\d{2}", "AB\\b", "Member ID\\s*\\d+", "\\d{3}-\\d{4}"};
    String[] pieces = {"MRN", "MRNS", "xMRN", "MRN:", "MRN#", " ", "1234567", "12345678", "-", "AB", "ABC", "Member ID ", "555-0147", "\n"};
    Random random = new Random(7);
    for (String regex : regexes) {
      TenantRegex tenant = new TenantRegex(regex);
      for (int round = 0; round < 300; round++) {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(30); i > 0; i--) {
          sb.append(pieces[random.nextInt(pieces.length)]);
        }
        String text = sb.toString();
        List<Integer> expected = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
          expected.add(m.start());
        }
        List<Integer> actual = new ArrayList<>();
        tenant.forEachMatch(text, actual::add);
        assertThat(actual).as("%s in [%s]", regex, text).isEqualTo(expected);
      }
    }
  }
}

package org.mailward.policy.phi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.ahocorasick.trie.Emit;
import org.ahocorasick.trie.Trie;
import org.junit.jupiter.api.Test;

class TermAutomatonTest {
  private static final List<String> TERMS = List.of("diabetes", "type 2 diabetes", "a1c", "ms", "b12", "dob", "date of birth");
  private final TermAutomaton automaton = TermAutomaton.build(TERMS, new int[] {0, 1, 2, 3, 4, 5, 6});

  private List<String> matches(TermAutomaton a, List<String> terms, CharSequence text) {
    List<String> out = new ArrayList<>();
    a.scan(text, (payload, start, end) -> out.add(terms.get(payload) + "@" + start + "-" + end));
    return out;
  }

  @Test
  void overlappingTerms_areAllReported_inOrderOfTheirEnd() {
    assertThat(matches(automaton, TERMS, "Type 2 Diabetes and diabetes"))
        .containsExactlyInAnyOrder("type 2 diabetes@0-15", "diabetes@7-15", "diabetes@20-28");
  }

  @Test
  void matching_ignoresCase_includingNonAsciiFolding() {
    assertThat(matches(automaton, TERMS, "DIABETES, A1C")).containsExactly("diabetes@0-8", "a1c@10-13");
    // U+212A KELVIN SIGN lower-cases to 'k'; U+0130 to 'i': folding is per character, positions stay put
    TermAutomaton k = TermAutomaton.build(List.of("ketones", "insulin"), new int[] {0, 1});
    assertThat(matches(k, List.of("ketones", "insulin"), "\u212Aetones \u0130NSULIN")).containsExactly("ketones@0-7", "insulin@8-15");
  }

  @Test
  void onlyWholeWords_match_andDigitsOrPunctuationCountAsBoundaries() {
    assertThat(matches(automaton, TERMS, "prediabetes diabetesx msg items")).isEmpty();
    assertThat(matches(automaton, TERMS, "diabetes2 (ms) 'b12'")).containsExactly("diabetes@0-8", "ms@11-13", "b12@16-19");
    assertThat(matches(automaton, TERMS, "\u00e9ms ms\u00e9")).isEmpty(); // accented letters are alphabetic
  }

  @Test
  void matchesAcrossInternalChunkAndWalkBoundaries_areFound() {
    for (int pad = 4040; pad < 8200; pad += pad < 4140 || pad > 8160 ? 1 : 500) {
      String text = " ".repeat(pad) + "type 2 diabetes" + " ".repeat(20_000);
      assertThat(matches(automaton, TERMS, text)).containsExactlyInAnyOrder(
          "type 2 diabetes@" + pad + "-" + (pad + 15), "diabetes@" + (pad + 7) + "-" + (pad + 15));
      assertThat(matches(automaton, TERMS, new StringBuilder(text))).hasSize(2);
    }
  }

  @Test
  void emptyText_hasNoMatches() {
    assertThat(matches(automaton, TERMS, "")).isEmpty();
  }

  /**
   * Differential check against org.ahocorasick (whole words, overlaps allowed), the library this
   * automaton replaced: same matches on seeded texts stitched from the bundled dictionary's terms,
   * their fragments, case variants and assorted separators.
   */
  @Test
  void bundledDictionary_findsExactlyWhatTheReferenceLibraryFinds() throws Exception {
    Map<String, Integer> dictionary = bundledTerms();
    List<String> terms = new ArrayList<>(dictionary.keySet());
    int[] payloads = new int[terms.size()];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = i;
    }
    TermAutomaton mine = TermAutomaton.build(terms, payloads);
    Trie reference = Trie.builder().onlyWholeWords().addKeywords(terms).build();
    String[] separators = {" ", "  ", "\n", ", ", ".", "-", "'", "x", "s", "2", "\u00e9", "\u2014", "<", "\t"};
    Random random = new Random(20261101);
    for (int round = 0; round < 40; round++) {
      StringBuilder sb = new StringBuilder();
      while (sb.length() < 12_000) {
        String term = terms.get(random.nextInt(terms.size()));
        switch (random.nextInt(5)) {
          case 0 -> term = term.toUpperCase(Locale.ROOT);
          case 1 -> term = term.substring(0, 1 + random.nextInt(term.length()));
          case 2 -> term = term.substring(random.nextInt(term.length()));
          default -> { }
        }
        sb.append(term).append(separators[random.nextInt(separators.length)]);
      }
      String text = sb.toString();
      List<String> expected = new ArrayList<>();
      reference.parseText(text.toLowerCase(Locale.ROOT), (Emit e) -> {
        expected.add(e.getKeyword() + "@" + e.getStart() + "-" + (e.getEnd() + 1));
        return true;
      });
      List<String> actual = matches(mine, terms, text);
      assertThat(actual).hasSizeGreaterThan(100).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  private static Map<String, Integer> bundledTerms() throws Exception {
    Map<String, Integer> terms = new LinkedHashMap<>();
    try (InputStream in = HealthDictionary.class.getResourceAsStream(HealthDictionary.RESOURCE);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        line = line.strip();
        if (!line.isEmpty() && !line.startsWith("#")) {
          terms.putIfAbsent(line.substring(line.indexOf('|') + 1).strip().toLowerCase(Locale.ROOT), terms.size());
        }
      }
    }
    return terms;
  }
}

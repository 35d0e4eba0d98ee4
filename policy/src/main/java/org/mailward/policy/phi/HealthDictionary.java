package org.mailward.policy.phi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The health-context dictionary (src/main/resources/.../health-terms.txt, provenance noted in the
 * file) compiled once into an Aho-Corasick automaton ({@link TermAutomaton}): one pass over a text
 * finds every term and cue word, case-insensitively and on whole words. Immutable and thread-safe
 * once built.
 */
public final class HealthDictionary {
  static final String RESOURCE = "/org/mailward/policy/phi/health-terms.txt";

  private final TermAutomaton automaton;
  private final NameLists names = NameLists.bundled();
  private final int size;
  private final TermCategory[] categoryByOrdinal = TermCategory.values();

  private HealthDictionary(Map<String, Integer> categories) {
    List<String> terms = new ArrayList<>(categories.keySet());
    int[] payloads = new int[terms.size()];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = categories.get(terms.get(i)); // a bit per category
    }
    this.automaton = TermAutomaton.build(terms, payloads);
    this.size = terms.size();
  }

  /** Loads the dictionary shipped with the module. */
  public static HealthDictionary bundled() {
    try (InputStream in = HealthDictionary.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + RESOURCE);
      }
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HealthDictionary parse(InputStream in) throws IOException {
    Map<String, Integer> map = new HashMap<>();
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    int number = 0;
    while ((line = reader.readLine()) != null) {
      number++;
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int bar = line.indexOf('|');
      if (bar <= 0) {
        throw new IllegalArgumentException("health-terms.txt line " + number + ": expected category|term");
      }
      map.merge(line.substring(bar + 1).strip().toLowerCase(Locale.ROOT), 1 << TermCategory.fromLabel(line.substring(0, bar)).ordinal(),
          (a, b) -> a | b);
    }
    return new HealthDictionary(map);
  }

  /** The name and word lists that go with the dictionary ({@link NameLists#bundled()}). */
  NameLists names() {
    return names;
  }

  public int size() {
    return size;
  }

  /** Calls {@code sink} for every match (overlapping ones included), in order of end position. */
  void scan(CharSequence text, TermSink sink) {
    scan(text, new char[Math.min(text.length(), TermAutomaton.CHUNK)], sink);
  }

  /** As {@link #scan(CharSequence, TermSink)}, through the caller's reused {@code chunk} ({@link TermAutomaton#scan(CharSequence, char[], TermAutomaton.MatchSink)}). */
  void scan(CharSequence text, char[] chunk, TermSink sink) {
    automaton.scan(text, chunk, (payload, start, end) -> {
      for (int bits = payload; bits != 0; bits &= bits - 1) {
        sink.term(categoryByOrdinal[Integer.numberOfTrailingZeros(bits)], start, end);
      }
    });
  }

  @FunctionalInterface
  interface TermSink {
    void term(TermCategory category, int start, int end);
  }
}

package org.mailward.policy.phi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.ahocorasick.trie.Emit;
import org.ahocorasick.trie.Trie;

/**
 * The health-context dictionary (src/main/resources/.../health-terms.txt, provenance noted in the
 * file) compiled once into an Aho-Corasick automaton: one pass over a text finds every term and
 * cue word, case-insensitively and on whole words. Immutable and thread-safe once built.
 */
public final class HealthDictionary {
  static final String RESOURCE = "/org/mailward/policy/phi/health-terms.txt";

  private final Trie trie;
  private final Map<String, TermCategory> categories;

  private HealthDictionary(Map<String, TermCategory> categories) {
    this.categories = Map.copyOf(categories);
    // Keywords are lower case and scan() lower-cases the text once (a vectorised String operation),
    // which is cheaper than the library's per-character case folding.
    this.trie = Trie.builder().onlyWholeWords().addKeywords(categories.keySet()).build();
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
    Map<String, TermCategory> map = new HashMap<>();
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
      map.put(line.substring(bar + 1).strip().toLowerCase(Locale.ROOT), TermCategory.fromLabel(line.substring(0, bar)));
    }
    return new HealthDictionary(map);
  }

  public int size() {
    return categories.size();
  }

  /** Calls {@code sink} for every match, in text order. */
  void scan(CharSequence text, TermSink sink) {
    trie.parseText(text.toString().toLowerCase(Locale.ROOT), (Emit emit) -> {
      TermCategory c = categories.get(emit.getKeyword());
      if (c != null) {
        sink.term(c, emit.getStart(), emit.getEnd() + 1);
      }
      return true;
    });
  }

  @FunctionalInterface
  interface TermSink {
    void term(TermCategory category, int start, int end);
  }
}

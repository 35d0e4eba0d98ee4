package org.mailward.policy.phi;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * A multi-term matcher: an Aho-Corasick automaton compiled into a dense transition table, matched
 * case-insensitively and on whole words. Immutable and thread-safe once built.
 *
 * <p>Design. At build time every character a term uses gets a column (column 0 stands for every
 * other character), and a 64 K-entry table maps any {@code char} to the column of its lower-case
 * form, so case folding costs nothing while scanning. The goto and failure functions are resolved
 * into one table {@code delta[stateOffset + column]} holding the next state's offset (state index
 * times the row width), stored complemented ({@code ~offset}) when that state ends one or more
 * terms; an extra last column of each row locates the state's outputs. Scanning is then one table
 * load per character plus a sign test. Because each load depends on the previous one, a single
 * walk is bound by load latency, so each 8 K chunk is walked as four stretches at once (each but
 * the first starting a longest-term length early, so that its state is exact where its stretch
 * begins). The text is copied chunk by chunk into one array (a vectorised
 * {@code String.getChars} or an array copy), the caller's reused scratch array when it passes
 * one; nothing is allocated per character. Only at a match are the outputs
 * walked and the whole-word rule checked: the characters just before and just after the term must
 * not be alphabetic ({@link Character#isAlphabetic}), the rule of {@code org.ahocorasick}'s
 * {@code onlyWholeWords()}, which this class replaced; overlapping matches are all reported, in
 * order of their end.
 */
final class TermAutomaton {
  static final int CHUNK = 8192;

  private final byte[] columnOf;
  private final int width;
  private final int overlap;
  private final int[] delta;
  private final int[] outTerms;
  private final int[] termLength;
  private final int[] termPayload;

  /** Receives one whole-word match: the term's payload, start (inclusive) and end (exclusive). */
  @FunctionalInterface
  interface MatchSink {
    void match(int payload, int start, int end);
  }

  private TermAutomaton(byte[] columnOf, int width, int[] delta, int[] outTerms, int[] termLength, int[] termPayload) {
    this.columnOf = columnOf;
    this.width = width;
    this.overlap = Arrays.stream(termLength).max().orElse(1);
    this.delta = delta;
    this.outTerms = outTerms;
    this.termLength = termLength;
    this.termPayload = termPayload;
  }

  /** Compiles {@code terms} (matched case-insensitively); {@code payloads[i]} is reported for {@code terms.get(i)}. */
  static TermAutomaton build(List<String> terms, int[] payloads) {
    if (terms.size() != payloads.length) {
      throw new IllegalArgumentException("one payload per term");
    }
    String[] folded = new String[terms.size()];
    TreeSet<Character> used = new TreeSet<>();
    for (int t = 0; t < folded.length; t++) {
      folded[t] = fold(terms.get(t));
      if (folded[t].isEmpty()) {
        throw new IllegalArgumentException("empty term");
      }
      for (int i = 0; i < folded[t].length(); i++) {
        used.add(folded[t].charAt(i));
      }
    }
    if (used.size() >= Byte.MAX_VALUE) {
      throw new IllegalArgumentException("terms use too many distinct characters: " + used.size());
    }
    char[] alphabet = new char[used.size()];
    int a = 0;
    for (char c : used) {
      alphabet[a++] = c;
    }
    byte[] columnOf = new byte[Character.MAX_VALUE + 1];
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      int k = Arrays.binarySearch(alphabet, Character.toLowerCase((char) c));
      columnOf[c] = (byte) (k >= 0 ? k + 1 : 0);
    }
    int columns = alphabet.length + 1;
    Trie trie = new Trie(columns);
    int[] termLength = new int[folded.length];
    for (int t = 0; t < folded.length; t++) {
      int s = 0;
      for (int i = 0; i < folded[t].length(); i++) {
        s = trie.child(s, columnOf[folded[t].charAt(i)]);
      }
      trie.own(s, t);
      termLength[t] = folded[t].length();
    }
    return trie.compile(columnOf, termLength, payloads.clone());
  }

  private static String fold(String term) {
    char[] cs = term.toCharArray();
    for (int i = 0; i < cs.length; i++) {
      cs[i] = Character.toLowerCase(cs[i]);
    }
    return new String(cs);
  }

  /** Reports every whole-word match in {@code text}, in order of end position. */
  void scan(CharSequence text, MatchSink sink) {
    scan(text, new char[Math.min(text.length(), CHUNK)], sink);
  }

  /**
   * As {@link #scan(CharSequence, MatchSink)}, walking the text through the caller's {@code chunk}
   * (at least {@code min(text.length(), CHUNK)} long, a reused scratch array; overwritten).
   */
  void scan(CharSequence text, char[] chunk, MatchSink sink) {
    int n = text.length();
    if (chunk.length < Math.min(n, CHUNK)) {
      throw new IllegalArgumentException("chunk shorter than " + Math.min(n, CHUNK));
    }
    Pending[] pending = null;
    int s = 0;
    for (int base = 0; base < n; base += CHUNK) {
      int len = Math.min(CHUNK, n - base);
      copy(text, base, len, chunk);
      if (len < 8 * overlap) {
        s = run(chunk, 0, len, s, text, base, sink); // short texts (subjects, file names) in one walk
      } else {
        pending = pending != null ? pending : new Pending[] {new Pending(), new Pending(), new Pending()};
        s = fourWalks(chunk, len, s, text, base, sink, pending);
      }
    }
  }

  /**
   * Walks {@code chunk[0, len)} as four stretches at once, so that the CPU overlaps their table
   * loads. Walk 0 continues from {@code s}; walks 1 to 3 start from the root {@code overlap}
   * characters before their stretch, which makes their state exact where it begins (no state is
   * deeper than the longest term), and leave what they find before it to the walk before. Their
   * matches are held and emitted after walk 0's, stretch by stretch, so the order is kept.
   */
  private int fourWalks(char[] chunk, int len, int s, CharSequence text, int base, MatchSink sink, Pending[] pending) {
    final byte[] col = columnOf;
    final int[] t = delta;
    final int n = text.length();
    int steps = (len + 3 * overlap) / 4;
    int e0 = steps;
    int e1 = 2 * steps - overlap;
    int e2 = 3 * steps - 2 * overlap;
    int f1 = e0 - overlap;
    int f2 = e1 - overlap;
    int f3 = e2 - overlap;
    int a = s;
    int b = 0;
    int c = 0;
    int d = 0;
    for (Pending p : pending) {
      p.size = 0;
    }
    for (int j = 0; j < steps; j++) {
      int na = t[a + col[chunk[j]]];
      int nb = t[b + col[chunk[f1 + j]]];
      int nc = t[c + col[chunk[f2 + j]]];
      int nd = t[d + col[chunk[f3 + j]]];
      if (na >= 0) {
        a = na;
      } else {
        a = ~na;
        emit(text, n, a, base + j + 1, sink);
      }
      if (nb >= 0) {
        b = nb;
      } else {
        b = ~nb;
        pending[0].add(b, f1 + j, e0);
      }
      if (nc >= 0) {
        c = nc;
      } else {
        c = ~nc;
        pending[1].add(c, f2 + j, e1);
      }
      if (nd >= 0) {
        d = nd;
      } else {
        d = ~nd;
        pending[2].add(d, f3 + j, e2);
      }
    }
    for (Pending p : pending) {
      for (int k = 0; k < p.size; k += 2) {
        emit(text, n, p.held[k], base + p.held[k + 1] + 1, sink);
      }
    }
    return run(chunk, f3 + steps, len, d, text, base, sink);
  }

  /** Matches one of walks 1 to 3 found in its own stretch: (state offset, chunk index) pairs. */
  private static final class Pending {
    int[] held = new int[32];
    int size;

    void add(int state, int at, int stretchStart) {
      if (at < stretchStart) {
        return;
      }
      if (size == held.length) {
        held = Arrays.copyOf(held, size * 2);
      }
      held[size++] = state;
      held[size++] = at;
    }
  }

  /** One walk over {@code chunk[from, to)} from state offset {@code s}; returns the state offset reached. */
  private int run(char[] chunk, int from, int to, int s, CharSequence text, int base, MatchSink sink) {
    final byte[] col = columnOf;
    final int[] d = delta;
    for (int j = from; j < to; j++) {
      int next = d[s + col[chunk[j]]];
      if (next >= 0) {
        s = next;
      } else {
        s = ~next;
        emit(text, text.length(), s, base + j + 1, sink);
      }
    }
    return s;
  }

  /** The outputs of the state at {@code offset} that end at {@code end} and are whole words. */
  private void emit(CharSequence text, int n, int offset, int end, MatchSink sink) {
    if (end < n && Character.isAlphabetic(text.charAt(end))) {
      return;
    }
    int outputs = delta[offset + width - 1];
    for (int k = outputs >>> 8, last = k + (outputs & 0xFF); k < last; k++) {
      int term = outTerms[k];
      int start = end - termLength[term];
      if (start == 0 || !Character.isAlphabetic(text.charAt(start - 1))) {
        sink.match(termPayload[term], start, end);
      }
    }
  }

  /** Copies {@code text[from, from + len)} into {@code into} in bulk where the text type allows it. */
  static void copy(CharSequence text, int from, int len, char[] into) {
    if (text instanceof String s) {
      s.getChars(from, from + len, into, 0);
    } else if (text instanceof CharArrayText c) {
      System.arraycopy(c.array(), from, into, 0, len);
    } else if (text instanceof StringBuilder sb) {
      sb.getChars(from, from + len, into, 0);
    } else {
      for (int i = 0; i < len; i++) {
        into[i] = text.charAt(from + i);
      }
    }
  }

  /** The goto function under construction: dense rows, -1 for no edge. */
  private static final class Trie {
    private final int columns;
    private int[] edges;
    private int states = 1;
    private final List<int[]> own = new ArrayList<>();

    Trie(int columns) {
      this.columns = columns;
      this.edges = new int[columns * 64];
      Arrays.fill(edges, -1);
      own.add(null);
    }

    int child(int state, int column) {
      int at = state * columns + column;
      if (edges[at] < 0) {
        if ((states + 1) * columns > edges.length) {
          int old = edges.length;
          edges = Arrays.copyOf(edges, old * 2);
          Arrays.fill(edges, old, edges.length, -1);
        }
        edges[at] = states++;
        own.add(null);
      }
      return edges[at];
    }

    void own(int state, int term) {
      int[] prev = own.get(state);
      int[] next = prev == null ? new int[1] : Arrays.copyOf(prev, prev.length + 1);
      next[next.length - 1] = term;
      own.set(state, next);
    }

    /** Breadth first: failure links, the full transition function, and each state's outputs (its own, then its failure state's). */
    TermAutomaton compile(byte[] columnOf, int[] termLength, int[] payloads) {
      int[] fail = new int[states];
      int[][] outputs = new int[states][];
      int[] next = new int[states * columns];
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      outputs[0] = new int[0];
      for (int c = 0; c < columns; c++) {
        int child = edges[c];
        next[c] = Math.max(child, 0);
        if (child > 0) {
          fail[child] = 0;
          queue.add(child);
        }
      }
      while (!queue.isEmpty()) {
        int s = queue.poll();
        int[] mine = own.get(s) == null ? new int[0] : own.get(s);
        int[] inherited = outputs[fail[s]];
        outputs[s] = Arrays.copyOf(mine, mine.length + inherited.length);
        System.arraycopy(inherited, 0, outputs[s], mine.length, inherited.length);
        for (int c = 0; c < columns; c++) {
          int child = edges[s * columns + c];
          if (child >= 0) {
            next[s * columns + c] = child;
            fail[child] = next[fail[s] * columns + c];
            queue.add(child);
          } else {
            next[s * columns + c] = next[fail[s] * columns + c];
          }
        }
      }
      int width = columns + 1;
      int[] outStart = new int[states + 1];
      for (int s = 0; s < states; s++) {
        if (outputs[s].length > 0xFF) {
          throw new IllegalArgumentException("more than 255 terms end at one state");
        }
        outStart[s + 1] = outStart[s] + outputs[s].length;
      }
      int[] outTerms = new int[outStart[states]];
      int[] delta = new int[states * width];
      for (int s = 0; s < states; s++) {
        System.arraycopy(outputs[s], 0, outTerms, outStart[s], outputs[s].length);
        for (int c = 0; c < columns; c++) {
          int target = next[s * columns + c];
          delta[s * width + c] = outputs[target].length > 0 ? ~(target * width) : target * width;
        }
        delta[s * width + columns] = outStart[s] << 8 | outputs[s].length;
      }
      return new TermAutomaton(columnOf, width, delta, outTerms, termLength, payloads);
    }
  }
}

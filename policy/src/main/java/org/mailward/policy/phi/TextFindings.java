package org.mailward.policy.phi;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one scan of one text found: counts per detector (for evidence) and the positions of
 * identifiers and health terms (for the proximity verdict). Never the matched text.
 */
public final class TextFindings {
  private final Map<String, Integer> counts = new TreeMap<>();
  private int[] identifiers = new int[8];
  private int identifierCount;
  private int[] health = new int[8];
  private int healthCount;

  void identifier(String detector, int position) {
    counts.merge(detector, 1, Integer::sum);
    if (identifierCount == identifiers.length) {
      identifiers = Arrays.copyOf(identifiers, identifierCount * 2);
    }
    identifiers[identifierCount++] = position;
  }

  void health(String detector, int position) {
    counts.merge(detector, 1, Integer::sum);
    if (healthCount == health.length) {
      health = Arrays.copyOf(health, healthCount * 2);
    }
    health[healthCount++] = position;
  }

  public int identifierCount() {
    return identifierCount;
  }

  public int healthCount() {
    return healthCount;
  }

  /** Detector name to number of hits, sorted by name. */
  public Map<String, Integer> counts() {
    return java.util.Collections.unmodifiableMap(counts);
  }

  /** True when an identifier and a health term lie within {@code window} characters of each other. */
  public boolean identifierNearHealth(int window) {
    if (identifierCount == 0 || healthCount == 0) {
      return false;
    }
    int[] ids = Arrays.copyOf(identifiers, identifierCount);
    int[] hs = Arrays.copyOf(health, healthCount);
    Arrays.sort(ids);
    Arrays.sort(hs);
    int j = 0;
    for (int id : ids) {
      while (j < hs.length && hs[j] < id - window) {
        j++;
      }
      if (j < hs.length && Math.abs(hs[j] - id) <= window) {
        return true;
      }
    }
    return false;
  }
}

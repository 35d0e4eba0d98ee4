package org.mailward.policy.phi;

import java.util.List;
import org.mailward.policy.phi.PhiFinding.Category;

/**
 * The score of one text (a Subject, a body part, an attachment): the best pair of findings that
 * ties a person to something about them, within the window. A person anchor (a name, an
 * identifier, a person date) scores its weight plus the weight of the heaviest finding of another
 * kind (or another identifier rule) near it; {@value #THRESHOLD} or more is PHI. The weights
 * ({@link PhiFinding#weight()}) are chosen so that a name alone, a number alone, health words alone,
 * a name with a phone number, or an unlabelled SSN-shaped number with health words stay below it,
 * while a name with health context, a name with an identifier, or an identifier with health context
 * reach it. A name and what is said about the person within {@value #SENTENCE} characters add
 * {@value #SENTENCE_BONUS}: that lets a weak name (capitalised, unknown to the lists, no
 * salutation) in the same sentence as health context reach the threshold, while the same name far
 * from it does not. A salutation's name ("Hi Jane,") pairs only with what is about the recipient
 * (see {@link NameFinder}). The two findings of the best pair are the explanation.
 *
 * @param score the best pair's sum (0 when nothing pairs)
 * @param parts the findings that make the score (empty when 0)
 */
public record PhiScore(int score, List<PhiFinding> parts) {
  /** The score at which a text is PHI. */
  public static final int THRESHOLD = 70;
  /** Characters within which a name and what is said about the person are taken as one statement. */
  static final int SENTENCE = 80;
  /** Added when a name and health context, an identifier or a date are that close ("Jane Example completed week 4 of…"). */
  static final int SENTENCE_BONUS = 15;

  public PhiScore {
    parts = List.copyOf(parts);
  }

  public boolean isPhi() {
    return score >= THRESHOLD;
  }

  /** Scores {@code text}'s findings, pairing only findings closer than {@code window} characters ({@link Integer#MAX_VALUE} for a Subject). */
  static PhiScore of(TextFindings text, int window) {
    List<PhiFinding> findings = text.findings();
    int best = 0;
    PhiFinding bestA = null;
    PhiFinding bestB = null;
    for (PhiFinding a : findings) {
      if (a.category() == Category.HEALTH || a.category() == Category.CONTACT) {
        continue;
      }
      boolean salutation = a.rule().equals(NameFinder.SALUTATION);
      PhiFinding term = salutation || text.termCount() == 0 ? null : text.nearestTerm(a.start(), a.end());
      for (PhiFinding b : term == null ? findings : concat(findings, term)) {
        if (b == a || (b.category() == a.category() && (b.category() != Category.IDENTIFIER || b.rule().equals(a.rule())))) {
          continue;
        }
        if (overlap(a, b) || distance(a, b) > window || (salutation && !aboutTheRecipient(b))) {
          continue;
        }
        int s = a.weight() + b.weight()
            + (a.category() == Category.NAME && b.category() != Category.CONTACT && distance(a, b) <= SENTENCE ? SENTENCE_BONUS : 0);
        if (s > best) {
          best = s;
          bestA = a;
          bestB = b;
        }
      }
    }
    return bestA == null ? new PhiScore(0, List.of()) : new PhiScore(best, List.of(bestA, bestB));
  }

  private static List<PhiFinding> concat(List<PhiFinding> findings, PhiFinding one) {
    List<PhiFinding> all = new java.util.ArrayList<>(findings.size() + 1);
    all.addAll(findings);
    all.add(one);
    return all;
  }

  /** What a salutation's name pairs with: an identifier, a date of care, health words addressed to "you", a record label, a code. */
  private static boolean aboutTheRecipient(PhiFinding b) {
    return b.category() != Category.HEALTH || b.rule().equals(TextScanner.PERSONAL_HEALTH) || b.rule().equals("health.record-label")
        || b.rule().equals("health.icd10") || b.rule().equals("health.cpt");
  }

  private static boolean overlap(PhiFinding a, PhiFinding b) {
    return a.start() < b.end() && b.start() < a.end();
  }

  private static long distance(PhiFinding a, PhiFinding b) {
    return a.end() <= b.start() ? b.start() - a.end() : a.start() - b.end();
  }
}

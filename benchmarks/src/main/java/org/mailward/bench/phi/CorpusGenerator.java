// The seeded generator of the labelled corpus: a fixed number of messages per
// category, each built from its own Random (seed, category, index), so a message
// does not change when another category grows. Ids are "<category code>-<index>"
// ("B-0042"); the held-out split is a hash of the id, stratified by technique (see Split).
package org.mailward.bench.phi;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

final class CorpusGenerator {
  static final long DEFAULT_SEED = 20261204L;

  /** Messages per category in the full corpus (682 in all, 204 of them clean). */
  static final Map<Category, Integer> FULL = counts(100, 132, 99, 147, 96, 108);

  private final long seed;

  CorpusGenerator(long seed) {
    this.seed = seed;
  }

  static Map<Category, Integer> counts(int subject, int body, int attachment, int encoding, int clean, int nearMiss) {
    Map<Category, Integer> m = new EnumMap<>(Category.class);
    m.put(Category.SUBJECT, subject);
    m.put(Category.BODY, body);
    m.put(Category.ATTACHMENT, attachment);
    m.put(Category.ENCODING, encoding);
    m.put(Category.CLEAN, clean);
    m.put(Category.NEAR_MISS, nearMiss);
    return m;
  }

  /** Every message of the corpus with these per-category counts, category by category. */
  List<LabelledMessage> generate(Map<Category, Integer> counts) {
    List<LabelledMessage> out = new ArrayList<>();
    for (Map.Entry<Category, Integer> e : counts.entrySet()) {
      for (int i = 0; i < e.getValue(); i++) {
        out.add(message(e.getKey(), i));
      }
    }
    return out;
  }

  /** How many technique (or template) slots a category cycles through: message i uses slot i % this. */
  static int techniqueSlots(Category category) {
    return switch (category) {
      case SUBJECT -> PhiText.SUBJECT_TEMPLATES;
      case BODY -> PhiText.BODY_TEMPLATES;
      case ATTACHMENT -> PhiMail.ATTACHMENT_TECHNIQUES.size();
      case ENCODING -> EvasionMail.TECHNIQUES.size();
      case CLEAN -> CleanMail.CLEAN_TECHNIQUES.size();
      case NEAR_MISS -> CleanMail.NEAR_MISS_TECHNIQUES.size();
    };
  }

  LabelledMessage message(Category category, int index) {
    String id = String.format("%s-%04d", category.code, index);
    Random r = new Random(seed * 1_000_003L + category.ordinal() * 100_003L + index);
    return switch (category) {
      case SUBJECT -> PhiMail.subject(id, index, r);
      case BODY -> PhiMail.body(id, index, r);
      case ATTACHMENT -> PhiMail.attachment(id, index, r);
      case ENCODING -> EvasionMail.encoded(id, index, r);
      case CLEAN -> CleanMail.clean(id, index, r);
      case NEAR_MISS -> CleanMail.nearMiss(id, index, r);
    };
  }
}

// Writes the corpus to a directory for other tests (the relay's behavioural
// tests, the lead's checks): <dir>/tuning/<id>.eml and <dir>/held-out/<id>.eml,
// each split with its own labels.json in the format of shared/phi-sample (id,
// category, label, technique, needles, keep, note) plus `where` and `split`.
// Held-out files sit apart so a tuner can leave that directory unread.
package org.mailward.bench.phi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class CorpusFiles {
  private CorpusFiles() {}

  static void write(List<LabelledMessage> corpus, Path dir) throws IOException {
    for (boolean heldOut : new boolean[] {false, true}) {
      Path splitDir = dir.resolve(Split.name(heldOut));
      Files.createDirectories(splitDir);
      List<Map<String, Object>> labels = new ArrayList<>();
      for (LabelledMessage m : corpus) {
        if (m.heldOut() != heldOut) {
          continue;
        }
        Files.write(splitDir.resolve(m.id() + ".eml"), m.eml());
        labels.add(label(m));
      }
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(splitDir.resolve("labels.json").toFile(), labels);
    }
  }

  static Map<String, Object> label(LabelledMessage m) {
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("id", m.id());
    l.put("category", m.category().code);
    l.put("label", m.phi() ? "phi" : "clean");
    l.put("where", m.where().stream().map(w -> w.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList());
    l.put("technique", m.technique());
    l.put("needles", m.needles());
    l.put("keep", m.keep());
    l.put("note", m.note());
    l.put("split", Split.name(m.heldOut()));
    return l;
  }
}

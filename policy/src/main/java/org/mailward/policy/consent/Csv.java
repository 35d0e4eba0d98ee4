package org.mailward.policy.consent;

import java.util.ArrayList;
import java.util.List;

/** Splits one RFC 4180 CSV line (quoted cells, doubled quotes); null when quotes are unbalanced. */
final class Csv {
  private Csv() {}

  static List<String> split(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    if (quoted) {
      return null;
    }
    cells.add(cell.toString());
    return cells;
  }
}

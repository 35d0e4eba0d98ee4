package org.mailward.portal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProblemTest {
  @Test
  void json_hasTheRfc9457Members_andEscapesMarkupAndQuotes() {
    Problem p = Problem.of(400, "x", "A \"quoted\" <title>", "line\nbreak");
    assertThat(p.json()).isEqualTo("{\"type\":\"tag:mailward.org,2026:problem:x\",\"title\":\"A \\\"quoted\\\" \\u003ctitle\\u003e\","
        + "\"status\":400,\"detail\":\"line\\u000abreak\"}");
  }

  @Test
  void htmlPage_escapesTheTitle() {
    assertThat(Pages.problem(Problem.of(400, "x", "<b>", "d"))).contains("&lt;b&gt;").doesNotContain("<b>");
  }
}

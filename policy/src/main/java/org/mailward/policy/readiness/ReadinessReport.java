package org.mailward.policy.readiness;

import java.util.List;
import java.util.Optional;

/**
 * What the sending-domain check found for one domain, in a form an operator can read
 * ({@link #toText()}) and the admin API can return as it is.
 */
public record ReadinessReport(
    String domain,
    List<SpfResult> spf,
    Status dkim,
    String dkimDetail,
    Status dmarc,
    Optional<String> dmarcPolicy) {

  public ReadinessReport {
    spf = List.copyOf(spf);
  }

  public enum Status { OK, MISSING, MISMATCH, ERROR }

  /** jSPF's verdict for one outbound address ({@code pass}, {@code fail}, {@code softfail}, {@code none}...). */
  public record SpfResult(String ip, String result) {
    public boolean passes() {
      return "pass".equals(result);
    }
  }

  public boolean ready() {
    return !spf.isEmpty() && spf.stream().allMatch(SpfResult::passes) && dkim == Status.OK && dmarc == Status.OK;
  }

  public String toText() {
    StringBuilder sb = new StringBuilder("Sending domain ").append(domain).append(": ")
        .append(ready() ? "READY" : "NOT READY").append('\n');
    for (SpfResult r : spf) {
      sb.append("  SPF   ").append(r.passes() ? "ok      " : "PROBLEM ").append(r.ip()).append(" -> ").append(r.result())
          .append(r.passes() ? "" : " (add it to the domain's SPF record)").append('\n');
    }
    sb.append("  DKIM  ").append(dkim == Status.OK ? "ok      " : "PROBLEM ").append(dkimDetail).append('\n');
    sb.append("  DMARC ").append(dmarc == Status.OK ? "ok      " : "PROBLEM ")
        .append(dmarcPolicy.map(p -> "policy p=" + p).orElse("no v=DMARC1 record at _dmarc." + domain)).append('\n');
    return sb.toString();
  }
}

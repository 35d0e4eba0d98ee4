package org.mailward.admin.consent;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.mailward.api.ConsentControl;
import org.mailward.api.TenantId;

/**
 * Consent import jobs as the API shows them: state, phase, rows read so far, and at the end the
 * importer's report (every bad row by line). In memory, the newest {@value #KEEP} jobs; the
 * import itself is durable in the control-plane log and the consent store, not here.
 */
public final class ImportJobs {
  static final int KEEP = 200;
  private final Clock clock;
  private final LinkedHashMap<String, Job> jobs = new LinkedHashMap<>();

  public enum State { QUEUED, RUNNING, IMPORTED, REJECTED, FAILED }

  /** @param phase validate or write while running */
  public record Job(String id, TenantId tenant, State state, String phase, long rows, Instant started,
      Optional<ConsentControl.ImportResult> result, Optional<Long> version) {}

  public ImportJobs(Clock clock) {
    this.clock = clock;
  }

  public synchronized Job create(String id, TenantId tenant) {
    Job j = new Job(id, tenant, State.QUEUED, "upload", 0, clock.instant(), Optional.empty(), Optional.empty());
    jobs.put(id, j);
    while (jobs.size() > KEEP) {
      jobs.remove(jobs.keySet().iterator().next());
    }
    return j;
  }

  public synchronized Optional<Job> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Progress from the importer; unknown ids (an import replayed from the log at start) are ignored. */
  public synchronized void progress(String id, String phase, long rows) {
    Job j = jobs.get(id);
    if (j != null) {
      jobs.put(id, new Job(id, j.tenant(), State.RUNNING, phase, rows, j.started(), j.result(), j.version()));
    }
  }

  public synchronized void finished(String id, ConsentControl.ImportResult result) {
    Job j = jobs.get(id);
    if (j != null) {
      jobs.put(id, new Job(id, j.tenant(), result.imported() ? State.IMPORTED : State.REJECTED, "done", result.rows(),
          j.started(), Optional.of(result), j.version()));
    }
  }

  public synchronized void logged(String id, long version) {
    Job j = jobs.get(id);
    if (j != null) {
      jobs.put(id, new Job(id, j.tenant(), j.state(), j.phase(), j.rows(), j.started(), j.result(), Optional.of(version)));
    }
  }

  public synchronized void failed(String id) {
    Job j = jobs.get(id);
    if (j != null && j.result().isEmpty()) {
      jobs.put(id, new Job(id, j.tenant(), State.FAILED, "done", j.rows(), j.started(), Optional.empty(), j.version()));
    }
  }

  public Map<String, Job> snapshot() {
    synchronized (this) {
      return Map.copyOf(jobs);
    }
  }
}

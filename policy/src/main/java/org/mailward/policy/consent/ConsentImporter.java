package org.mailward.policy.consent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.mailward.api.KeyValueStore;
import org.mailward.api.TenantId;

/**
 * Bulk import of authorizations from CSV or NDJSON, streamed (millions of rows, constant memory).
 *
 * <p>All or nothing, by validating first: pass one reads the whole file and reports every bad row
 * with its line number; if any row is bad nothing is written. Pass two reads the file again and
 * writes in atomic batches. A staging namespace with a switch was not chosen because the store has
 * no rename: switching would mean copying every row a second time, or an indirection on every RCPT
 * lookup. A crash during pass two leaves a {@code running} import record in {@value
 * ConsentStore#IMPORTS}; the rows are idempotent, so running the same file again completes it.
 *
 * <p>An import never silently undoes a revocation: a row granted before an existing revocation is
 * skipped (counted in {@link ImportReport#keptRevoked()}). CSV needs a header line naming the
 * columns {@code email, purposes, granted_at, expires_at, revoked_at, evidence, source}; NDJSON
 * lines are objects with the same keys ({@code purposes} a string or an array).
 */
public final class ConsentImporter {
  public static final int MAX_REPORTED_ERRORS = 1000;
  private static final int BATCH_ROWS = 2000;
  private static final int PROGRESS_EVERY = 10_000;
  private static final JsonFactory JSON = new JsonFactory();

  public enum Format { CSV, NDJSON }

  public enum Phase { VALIDATE, WRITE }

  @FunctionalInterface
  public interface Progress {
    void update(Phase phase, long rows);
  }

  public record RowError(long line, String reason) {}

  public record ImportReport(String importId, boolean imported, long rows, long written, long keptRevoked, long errorCount,
      List<RowError> errors) {
    public ImportReport {
      errors = List.copyOf(errors);
    }
  }

  private final ConsentStore store;

  public ConsentImporter(ConsentStore store) {
    this.store = store;
  }

  public ImportReport importFile(TenantId tenant, Path file, Format format, Progress progress) throws IOException {
    String id = UUID.randomUUID().toString();
    String source = "import:" + file.getFileName();
    List<RowError> errors = new ArrayList<>();
    long[] counts = new long[2]; // rows, errors
    read(file, format, source, parsed -> {
      counts[0]++;
      if (parsed.error() != null) {
        counts[1]++;
        if (errors.size() < MAX_REPORTED_ERRORS) {
          errors.add(new RowError(parsed.line(), parsed.error()));
        }
      }
      if (counts[0] % PROGRESS_EVERY == 0) {
        progress.update(Phase.VALIDATE, counts[0]);
      }
    });
    progress.update(Phase.VALIDATE, counts[0]);
    if (counts[1] > 0) {
      return new ImportReport(id, false, counts[0], 0, 0, counts[1], errors);
    }
    status(id, "running " + tenant + " " + file.getFileName());
    Writer writer = new Writer(tenant, progress);
    read(file, format, source, parsed -> writer.add(parsed.row()));
    writer.flush();
    progress.update(Phase.WRITE, writer.written + writer.keptRevoked);
    status(id, "completed " + tenant + " rows=" + counts[0]);
    return new ImportReport(id, true, counts[0], writer.written, writer.keptRevoked, 0, List.of());
  }

  private void status(String id, String text) {
    store.kv().write(KeyValueStore.Batch.builder()
        .put(ConsentStore.IMPORTS, id.getBytes(StandardCharsets.US_ASCII), (Instant.now(store.clock()) + " " + text)
            .getBytes(StandardCharsets.UTF_8)).build());
  }

  private final class Writer {
    private final TenantId tenant;
    private final Progress progress;
    private KeyValueStore.Batch.Builder batch = KeyValueStore.Batch.builder();
    private final List<byte[]> hashes = new ArrayList<>();
    long written;
    long keptRevoked;

    Writer(TenantId tenant, Progress progress) {
      this.tenant = tenant;
      this.progress = progress;
    }

    void add(ImportRow row) {
      byte[] hash = store.recipientHash(tenant, row.address());
      Optional<Authorization> existing = store.authorization(tenant, hash);
      if (existing.isPresent() && existing.get().revokedAt().isPresent()
          && !row.grant().grantedAt().isAfter(existing.get().revokedAt().get())) {
        keptRevoked++;
        return;
      }
      long version = existing.map(Authorization::version).orElse(0L) + 1;
      Instant now = store.clock().instant();
      Authorization a = ConsentRegistry.toAuthorization(row.grant(), version, now);
      if (row.revokedAt().isPresent()) {
        a = a.revoked(row.revokedAt().get(), a.source(), version, now);
      }
      store.put(batch, tenant, hash, a);
      hashes.add(hash);
      written++;
      if (hashes.size() >= BATCH_ROWS) {
        flush();
      }
      if ((written + keptRevoked) % PROGRESS_EVERY == 0) {
        progress.update(Phase.WRITE, written + keptRevoked);
      }
    }

    void flush() {
      if (!hashes.isEmpty()) {
        store.commit(batch, tenant, hashes);
        batch = KeyValueStore.Batch.builder();
        hashes.clear();
      }
    }
  }

  /** A parsed line: a row, or an error with its line number. */
  private record Line(long line, ImportRow row, String error) {}

  @FunctionalInterface
  private interface LineSink {
    void accept(Line line);
  }

  private static void read(Path file, Format format, String source, LineSink sink) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      long number = 0;
      List<String> header = null;
      while ((text = reader.readLine()) != null) {
        number++;
        if (text.isBlank()) {
          continue;
        }
        Map<String, String> fields;
        String error = null;
        if (format == Format.CSV) {
          List<String> cells = Csv.split(text);
          if (header == null) {
            header = new ArrayList<>();
            for (String h : cells) {
              header.add(h.trim().toLowerCase(Locale.ROOT));
            }
            if (!header.contains("email")) {
              throw new IOException("CSV line 1: header must name an 'email' column");
            }
            continue;
          }
          fields = new HashMap<>();
          if (cells == null || cells.size() > header.size()) {
            error = "malformed CSV (" + (cells == null ? "unbalanced quotes" : "too many cells") + ")";
          } else {
            for (int i = 0; i < cells.size(); i++) {
              fields.put(header.get(i), cells.get(i));
            }
          }
        } else {
          fields = new HashMap<>();
          error = json(text, fields);
        }
        if (error != null) {
          sink.accept(new Line(number, null, error));
        } else {
          ImportRow.Parsed p = ImportRow.parse(number, fields, source);
          sink.accept(new Line(number, p.row(), p.error()));
        }
      }
    }
  }

  private static String json(String text, Map<String, String> fields) {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return "not a JSON object";
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName().toLowerCase(Locale.ROOT);
        JsonToken t = p.nextToken();
        if (t == JsonToken.START_ARRAY) {
          StringBuilder sb = new StringBuilder();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            sb.append(p.getValueAsString("")).append(';');
          }
          fields.put(name, sb.toString());
        } else if (t.isScalarValue()) {
          fields.put(name, t == JsonToken.VALUE_NULL ? "" : p.getValueAsString(""));
        } else {
          p.skipChildren();
        }
      }
      return p.nextToken() == null ? null : "trailing data after the JSON object";
    } catch (IOException e) {
      return "malformed JSON";
    }
  }
}

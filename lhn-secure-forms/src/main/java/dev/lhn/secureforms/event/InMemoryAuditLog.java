package dev.lhn.secureforms.event;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/** The in-memory {@link AuditLog}: a list behind a lock. */
final class InMemoryAuditLog implements AuditLog {
  private final List<AuditRecord> records = new ArrayList<>();

  @Override
  public synchronized AuditRecord append(FormEvent event) {
    requireNonNull(event, "event");
    String previous = records.isEmpty() ? AuditRecord.GENESIS : records.get(records.size() - 1).hash();
    long seq = records.size();
    String json = event.toJson();
    AuditRecord r = new AuditRecord(seq, json, previous, AuditLog.hash(previous, seq, json));
    records.add(r);
    return r;
  }

  @Override
  public synchronized List<AuditRecord> records() {
    return List.copyOf(records);
  }

  @Override
  public String toString() {
    return "InMemoryAuditLog[" + records().size() + " records]";
  }
}

package dev.lhn.secureforms.internal;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.StoreFullException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.journal.JournalRecord;
import dev.lhn.secureforms.spi.ChainState;
import dev.lhn.secureforms.spi.Evidence;
import dev.lhn.secureforms.spi.JournalStore;
import dev.lhn.secureforms.spi.Outbox;
import dev.lhn.secureforms.spi.OutboxMessage;
import dev.lhn.secureforms.spi.StoredRecord;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The journal and outbox of the {@link InMemorySubmissionStore}, bounded. {@link #write} is called by the
 * store inside its per-submission atomic operations: it either takes all of an evidence or throws
 * ({@link StoreFullException}) and takes nothing, so the change it belongs to is not made either.
 */
public final class InMemoryJournal implements JournalStore, Outbox {
  private volatile int maxRecords;
  /** Every record kept, chained ones (by position) then pending ones (by sequence); guarded by this. */
  private final List<StoredRecord> rows = new ArrayList<>();
  private final ArrayDeque<OutboxMessage> outbox = new ArrayDeque<>();
  private final ReentrantLock chainLock = new ReentrantLock();
  private final ReentrantLock drainLock = new ReentrantLock();
  private ChainState state;
  private long sequence;
  private long pending;

  /**
   * A journal that holds at most {@code maxRecords} records and as many outbox messages.
   *
   * @param maxRecords at least 1
   */
  public InMemoryJournal(int maxRecords) {
    if (maxRecords < 1) {
      throw new IllegalArgumentException("maxRecords must be positive, got " + maxRecords);
    }
    this.maxRecords = maxRecords;
  }

  /** Takes all of {@code evidence} or, when it does not fit, nothing (and throws). */
  synchronized void write(Evidence evidence) {
    if (rows.size() + evidence.records().size() > maxRecords
        || outbox.size() + evidence.outbox().size() > maxRecords) {
      throw new StoreFullException("in-memory journal is full: it holds at most " + maxRecords
          + " records and as many outbox messages");
    }
    for (JournalRecord r : evidence.records()) {
      rows.add(new StoredRecord(++sequence, 0, r, null));
      pending++;
    }
    outbox.addAll(evidence.outbox());
  }

  @Override
  public void append(Evidence evidence) {
    write(requireNonNull(evidence, "evidence"));
  }

  @Override
  public synchronized List<JournalRecord> history(SubmissionId id, int limit) {
    requireNonNull(id, "id");
    InMemorySubmissionStore.checkBatch(limit);
    List<StoredRecord> bySequence = new ArrayList<>(rows);
    bySequence.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
    List<JournalRecord> out = new ArrayList<>();
    for (StoredRecord r : bySequence) {
      if (out.size() < limit && id.equals(r.record().submissionId())) {
        out.add(r.record());
      }
    }
    return out;
  }

  @Override
  public synchronized Optional<ChainState> chainState() {
    return Optional.ofNullable(state);
  }

  @Override
  public synchronized ChainState createChain(ChainState initial) {
    requireNonNull(initial, "initial");
    if (state == null) {
      state = initial;
    }
    return state;
  }

  @Override
  public int seal(int limit, ChainSealer sealer) {
    InMemorySubmissionStore.checkBatch(limit);
    if (!chainLock.tryLock()) {
      return -1;
    }
    try {
      ChainState head;
      List<StoredRecord> batch;
      synchronized (this) {
        if (state == null) {
          throw new IllegalStateException("the journal has no chain head yet");
        }
        head = state;
        batch = pendingLocked(limit);
      }
      if (batch.isEmpty()) {
        return 0;
      }
      List<byte[]> macs = sealer.macs(head, batch);
      if (macs.size() != batch.size()) {
        throw new StoreException("the sealer returned " + macs.size() + " MACs for " + batch.size() + " records");
      }
      synchronized (this) {
        long pos = head.count();
        for (int i = 0; i < batch.size(); i++) {
          StoredRecord r = batch.get(i);
          int at = rows.indexOf(r);
          rows.set(at, new StoredRecord(r.sequence(), ++pos, r.record(), macs.get(i)));
        }
        pending -= batch.size();
        state = state.advanced(pos, macs.get(macs.size() - 1));
      }
      return batch.size();
    } finally {
      chainLock.unlock();
    }
  }

  private List<StoredRecord> pendingLocked(int limit) {
    List<StoredRecord> out = new ArrayList<>();
    for (StoredRecord r : rows) {
      if (r.pending()) {
        out.add(r);
        if (out.size() == limit) {
          break;
        }
      }
    }
    return out;
  }

  @Override
  public synchronized List<StoredRecord> read(long afterPosition, int limit) {
    InMemorySubmissionStore.checkBatch(limit);
    List<StoredRecord> out = new ArrayList<>();
    for (StoredRecord r : rows) {
      if (!r.pending() && r.position() > afterPosition) {
        out.add(r);
      }
    }
    out.sort((a, b) -> Long.compare(a.position(), b.position()));
    return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
  }

  @Override
  public synchronized List<StoredRecord> pending(int limit) {
    InMemorySubmissionStore.checkBatch(limit);
    return pendingLocked(limit);
  }

  @Override
  public synchronized long pendingCount() {
    return pending;
  }

  @Override
  public int purgeChained(Instant before, int batchSize) {
    requireNonNull(before, "before");
    InMemorySubmissionStore.checkBatch(batchSize);
    if (!chainLock.tryLock()) {
      return -1;
    }
    try {
      synchronized (this) {
        List<StoredRecord> chained = read(0, 10_000);
        int n = 0;
        StoredRecord last = null;
        for (StoredRecord r : chained) {
          if (n == batchSize || !r.record().at().isBefore(before)) {
            break;
          }
          rows.remove(r);
          last = r;
          n++;
        }
        if (last != null) {
          state = state.purged(last.position(), last.mac());
        }
        return n;
      }
    } finally {
      chainLock.unlock();
    }
  }

  @Override
  public int drain(int limit, Consumer<List<OutboxMessage>> sink) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    requireNonNull(sink, "sink");
    drainLock.lock(); // one drainer at a time: what its sink holds is handed to no one else
    try {
      List<OutboxMessage> batch = new ArrayList<>();
      synchronized (this) {
        Iterator<OutboxMessage> it = outbox.iterator();
        while (it.hasNext() && batch.size() < limit) {
          batch.add(it.next());
        }
      }
      if (batch.isEmpty()) {
        return 0;
      }
      try {
        sink.accept(List.copyOf(batch));
      } catch (StoreException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new StoreException("outbox sink failed (" + e.getClass().getSimpleName() + "); messages kept",
            null, e);
      }
      synchronized (this) {
        for (int i = 0; i < batch.size(); i++) {
          outbox.pollFirst();
        }
      }
      return batch.size();
    } finally {
      drainLock.unlock();
    }
  }

  // ------------------------------------------------------------ for the tamper tests of this module

  /** Test hook: changes the bound (a journal that is suddenly full). */
  void limitForTest(int max) {
    this.maxRecords = max;
  }

  /** Test hook: the rows as kept. */
  synchronized List<StoredRecord> rowsForTest() {
    return new ArrayList<>(rows);
  }

  /** Test hook: replaces the rows wholesale (an attacker with write access). */
  synchronized void setRowsForTest(List<StoredRecord> replacement) {
    rows.clear();
    rows.addAll(replacement);
  }

  @Override
  public synchronized String toString() {
    return "InMemoryJournal[" + rows.size() + "/" + maxRecords + " records, " + outbox.size() + " outbox]";
  }
}

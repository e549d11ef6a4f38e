package dev.lhn.secureforms.journal;

import java.time.Instant;

/**
 * What {@link JournalChain#verify} found.
 *
 * @param ok whether every chained record verified (and the anchored checkpoint, if given, matched)
 * @param verified how many chained records were checked (after retention's cut)
 * @param firstBadPosition the chain position of the first bad record, or 0 when {@code ok}
 * @param problem what is wrong with it, or {@code null} when {@code ok}
 * @param head the chain's head as the store keeps it (what to anchor next), or {@code null} when there is no
 *     chain yet
 * @param pending how many records wait for the chainer (written, not yet chained)
 * @param oldestPending when the oldest of them was recorded, or {@code null} if none is pending
 */
public record JournalVerification(boolean ok, long verified, long firstBadPosition, String problem,
    Checkpoint head, long pending, Instant oldestPending) {

  @Override
  public String toString() {
    return ok
        ? "journal OK: " + verified + " chained records verified, " + pending + " pending"
            + (oldestPending == null ? "" : " (oldest recorded " + oldestPending + ")")
            + (head == null ? "" : ", head " + head.export())
        : "journal BAD at record " + firstBadPosition + ": " + problem;
  }
}

/**
 * The audit journal (docs/JOURNAL.md): one {@link dev.lhn.secureforms.journal.JournalRecord} per submit,
 * reveal, denied or failed reveal, purge, conversation end and key event, written by the store in the same
 * transaction as the change it records, then chained with a forward-secure keyed MAC
 * ({@link dev.lhn.secureforms.journal.JournalChain}) that {@link dev.lhn.secureforms.journal.JournalChain#verify}
 * checks. Records carry metadata only: never a field value, never a preview, never the host's raw
 * conversation id.
 */
package dev.lhn.secureforms.journal;

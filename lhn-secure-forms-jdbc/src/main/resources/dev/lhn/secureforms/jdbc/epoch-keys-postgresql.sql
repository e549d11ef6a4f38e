-- lhn-secure-forms JDBC epoch key store: schema version 1 for PostgreSQL 12 or later.
-- ${prefix} is the store's table prefix (default lsf_). Every statement is idempotent.
-- KEEP THIS TABLE OUT OF THE SUBMISSIONS' BACKUP DOMAIN (docs/KEYS.md): another database, or a schema
-- excluded from long-lived backups and PITR. A copy taken before a key was destroyed brings it back.
-- Times are epoch milliseconds in UTC (BIGINT). wrapped is an epoch key wrapped by the key-encryption key.
-- COLLATE "C": ids compare and sort by byte, as EpochKeyId.compareTo does (live() pages in that order).
CREATE TABLE IF NOT EXISTS ${prefix}epoch_keys (
  tenant        VARCHAR(64) COLLATE "C" NOT NULL,
  key_class     VARCHAR(32) COLLATE "C" NOT NULL,
  window_start  BIGINT                  NOT NULL,
  window_length BIGINT                  NOT NULL,
  destroy_at    BIGINT                  NOT NULL,
  version       BIGINT                  NOT NULL,
  wrapped       BYTEA                   NOT NULL,
  CONSTRAINT ${prefix}epoch_keys_pk PRIMARY KEY (tenant, key_class, window_start, window_length),
  CONSTRAINT ${prefix}epoch_keys_window CHECK (window_length BETWEEN 60000 AND 86400000 AND window_start >= 0
    AND MOD(window_start, window_length) = 0 AND destroy_at >= window_start + window_length),
  CONSTRAINT ${prefix}epoch_keys_version CHECK (version >= 0),
  CONSTRAINT ${prefix}epoch_keys_wrapped_len CHECK (octet_length(wrapped) BETWEEN 1 AND 4096)
);
CREATE INDEX IF NOT EXISTS ${prefix}epoch_keys_destroy_at ON ${prefix}epoch_keys (destroy_at);

-- lhn-secure-forms JDBC epoch key store: schema version 1 for MySQL 8.0.17 or later (InnoDB).
-- ${prefix} is the store's table prefix (default lsf_). Every statement is idempotent.
-- KEEP THIS TABLE OUT OF THE SUBMISSIONS' BACKUP DOMAIN (docs/KEYS.md): another database excluded from
-- long-lived backups and binlog-based recovery. A copy taken before a key was destroyed brings it back.
-- Times are epoch milliseconds in UTC (BIGINT). wrapped is an epoch key wrapped by the key-encryption key.
-- utf8mb4_0900_bin: ids match exactly and sort by byte, as EpochKeyId.compareTo does.
CREATE TABLE IF NOT EXISTS ${prefix}epoch_keys (
  tenant        VARCHAR(64)     NOT NULL,
  key_class     VARCHAR(32)     NOT NULL,
  window_start  BIGINT          NOT NULL,
  window_length BIGINT          NOT NULL,
  destroy_at    BIGINT          NOT NULL,
  version       BIGINT          NOT NULL,
  wrapped       VARBINARY(4096) NOT NULL,
  PRIMARY KEY (tenant, key_class, window_start, window_length),
  KEY ${prefix}epoch_keys_destroy_at (destroy_at),
  CONSTRAINT ${prefix}epoch_keys_window CHECK (window_length BETWEEN 60000 AND 86400000 AND window_start >= 0
    AND MOD(window_start, window_length) = 0 AND destroy_at >= window_start + window_length),
  CONSTRAINT ${prefix}epoch_keys_version CHECK (version >= 0),
  CONSTRAINT ${prefix}epoch_keys_wrapped_len CHECK (LENGTH(wrapped) BETWEEN 1 AND 4096)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

-- lhn-secure-forms JDBC epoch key store: schema version 1 for H2 2.x.
-- ${prefix} is the store's table prefix (default lsf_). Every statement is idempotent.
-- KEEP THIS TABLE OUT OF THE SUBMISSIONS' BACKUP DOMAIN (docs/KEYS.md): another database file, not
-- copied with the submissions'. A copy taken before a key was destroyed brings it back.
-- Times are epoch milliseconds in UTC (BIGINT). wrapped is an epoch key wrapped by the key-encryption key.
CREATE TABLE IF NOT EXISTS ${prefix}epoch_keys (
  tenant        CHARACTER VARYING(64)  NOT NULL,
  key_class     CHARACTER VARYING(32)  NOT NULL,
  window_start  BIGINT                 NOT NULL,
  window_length BIGINT                 NOT NULL,
  destroy_at    BIGINT                 NOT NULL,
  version       BIGINT                 NOT NULL,
  wrapped       BINARY VARYING(4096)   NOT NULL,
  CONSTRAINT ${prefix}epoch_keys_pk PRIMARY KEY (tenant, key_class, window_start, window_length),
  CONSTRAINT ${prefix}epoch_keys_window CHECK (window_length BETWEEN 60000 AND 86400000 AND window_start >= 0
    AND MOD(window_start, window_length) = 0 AND destroy_at >= window_start + window_length),
  CONSTRAINT ${prefix}epoch_keys_version CHECK (version >= 0),
  CONSTRAINT ${prefix}epoch_keys_wrapped_len CHECK (OCTET_LENGTH(wrapped) BETWEEN 1 AND 4096)
);
CREATE INDEX IF NOT EXISTS ${prefix}epoch_keys_destroy_at ON ${prefix}epoch_keys (destroy_at);

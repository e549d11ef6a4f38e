-- lhn-secure-forms JDBC store: schema version 1 for PostgreSQL 12 or later.
-- ${prefix} is the store's table prefix (default lsf_). Every statement is idempotent.
-- Times are epoch milliseconds in UTC (BIGINT), durations are milliseconds. No column holds a plaintext
-- value: the envelope is sealed (docs/FORMAT.md) and the preview holds masked values only.
CREATE TABLE IF NOT EXISTS ${prefix}submissions (
  id                      BYTEA        NOT NULL,
  form_id                 VARCHAR(64)  NOT NULL,
  schema_version          INTEGER      NOT NULL,
  conversation_id         VARCHAR(720) NOT NULL,
  submitted_at            BIGINT       NOT NULL,
  version                 BIGINT       NOT NULL,
  max_views               INTEGER      NOT NULL,
  views_left              INTEGER      NOT NULL,
  reveal_window_ms        BIGINT,
  expires_at              BIGINT       NOT NULL,
  purge_at                BIGINT       NOT NULL,
  purge_after_conv_end_ms BIGINT,
  conversation_ended_at   BIGINT,
  field_purge_at          BIGINT,
  field_retention         TEXT         NOT NULL,
  preview                 TEXT         NOT NULL,
  envelope                BYTEA        NOT NULL,
  CONSTRAINT ${prefix}submissions_pk PRIMARY KEY (id),
  CONSTRAINT ${prefix}submissions_id_len CHECK (octet_length(id) = 16),
  CONSTRAINT ${prefix}submissions_views CHECK (views_left BETWEEN 1 AND max_views),
  CONSTRAINT ${prefix}submissions_deadline CHECK (purge_at <= expires_at),
  CONSTRAINT ${prefix}submissions_envelope_len CHECK (octet_length(envelope) BETWEEN 1 AND 1048576)
);
-- Sealed envelopes do not compress: store them out of line without trying.
ALTER TABLE ${prefix}submissions ALTER COLUMN envelope SET STORAGE EXTERNAL;
CREATE INDEX IF NOT EXISTS ${prefix}submissions_purge_at ON ${prefix}submissions (purge_at);
CREATE INDEX IF NOT EXISTS ${prefix}submissions_field_purge_at ON ${prefix}submissions (field_purge_at)
  WHERE field_purge_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${prefix}submissions_conversation ON ${prefix}submissions (conversation_id);
-- Conversations that ended, remembered for a while so that a late submission gets the end's rules at once.
CREATE TABLE IF NOT EXISTS ${prefix}ended_conversations (
  conversation_id VARCHAR(720) NOT NULL,
  ended_at        BIGINT       NOT NULL,
  remember_until  BIGINT       NOT NULL,
  CONSTRAINT ${prefix}ended_conversations_pk PRIMARY KEY (conversation_id)
);
CREATE INDEX IF NOT EXISTS ${prefix}ended_conversations_until ON ${prefix}ended_conversations (remember_until);

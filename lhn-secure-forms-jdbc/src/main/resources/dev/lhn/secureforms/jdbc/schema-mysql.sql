-- lhn-secure-forms JDBC store: schema version 1 for MySQL 8.0.17 or later (InnoDB).
-- ${prefix} is the store's table prefix (default lsf_). Every statement is idempotent.
-- Times are epoch milliseconds in UTC (BIGINT), durations are milliseconds. No column holds a plaintext
-- value: the envelope is sealed (docs/FORMAT.md) and the preview holds masked values only.
-- utf8mb4_0900_bin: conversation ids match exactly (case, accents and trailing spaces count).
CREATE TABLE IF NOT EXISTS ${prefix}submissions (
  id                      BINARY(16)   NOT NULL,
  form_id                 VARCHAR(64)  NOT NULL,
  schema_version          INT          NOT NULL,
  conversation_id         VARCHAR(720) NOT NULL,
  submitted_at            BIGINT       NOT NULL,
  version                 BIGINT       NOT NULL,
  max_views               INT          NOT NULL,
  views_left              INT          NOT NULL,
  reveal_window_ms        BIGINT,
  expires_at              BIGINT       NOT NULL,
  purge_at                BIGINT       NOT NULL,
  purge_after_conv_end_ms BIGINT,
  conversation_ended_at   BIGINT,
  field_purge_at          BIGINT,
  field_retention         MEDIUMTEXT   NOT NULL,
  preview                 MEDIUMTEXT   NOT NULL,
  envelope                LONGBLOB     NOT NULL,
  PRIMARY KEY (id),
  KEY ${prefix}submissions_purge_at (purge_at),
  KEY ${prefix}submissions_field_purge_at (field_purge_at),
  KEY ${prefix}submissions_conversation (conversation_id),
  CONSTRAINT ${prefix}submissions_views CHECK (views_left BETWEEN 1 AND max_views),
  CONSTRAINT ${prefix}submissions_deadline CHECK (purge_at <= expires_at),
  CONSTRAINT ${prefix}submissions_envelope_len CHECK (LENGTH(envelope) BETWEEN 1 AND 1048576)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;
-- Conversations that ended, remembered for a while so that a late submission gets the end's rules at once.
CREATE TABLE IF NOT EXISTS ${prefix}ended_conversations (
  conversation_id VARCHAR(720) NOT NULL,
  ended_at        BIGINT       NOT NULL,
  remember_until  BIGINT       NOT NULL,
  PRIMARY KEY (conversation_id),
  KEY ${prefix}ended_conversations_until (remember_until)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;
-- The audit journal (docs/JOURNAL.md): one row per record, written in the change's transaction as pending
-- (chain_position NULL), chained later by one instance at a time (chain_position, mac). Metadata only.
CREATE TABLE IF NOT EXISTS ${prefix}journal (
  seq              BIGINT       NOT NULL AUTO_INCREMENT,
  id               VARCHAR(36)  NOT NULL,
  chain_position   BIGINT,
  mac              VARBINARY(32),
  event            VARCHAR(32)  NOT NULL,
  at_ms            BIGINT       NOT NULL,
  outcome          VARCHAR(16)  NOT NULL,
  operator_id      VARCHAR(256),
  origin           VARCHAR(256),
  reason           VARCHAR(256),
  submission_id    VARCHAR(22),
  form_id          VARCHAR(256),
  form_version     INT          NOT NULL,
  field            VARCHAR(256),
  conversation_ref VARCHAR(256),
  detail           VARCHAR(512),
  PRIMARY KEY (seq),
  KEY ${prefix}journal_position (chain_position),
  KEY ${prefix}journal_submission (submission_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;
-- The chain's head: one row (id 1), locked by the chainer with FOR UPDATE SKIP LOCKED.
CREATE TABLE IF NOT EXISTS ${prefix}journal_chain (
  id           INT            NOT NULL,
  wrapped_root VARBINARY(1024) NOT NULL,
  chain_count  BIGINT         NOT NULL,
  head         VARBINARY(32)  NOT NULL,
  purged_count BIGINT         NOT NULL,
  purged_head  VARBINARY(32)  NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;
-- The transactional outbox, with the column names of Debezium's outbox event router.
CREATE TABLE IF NOT EXISTS ${prefix}outbox (
  seq           BIGINT       NOT NULL AUTO_INCREMENT,
  id            CHAR(36)     NOT NULL,
  aggregatetype VARCHAR(64)  NOT NULL,
  aggregateid   VARCHAR(128) NOT NULL,
  type          VARCHAR(64)  NOT NULL,
  payload       MEDIUMTEXT   NOT NULL,
  created_at    BIGINT       NOT NULL,
  PRIMARY KEY (seq),
  UNIQUE KEY ${prefix}outbox_id (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

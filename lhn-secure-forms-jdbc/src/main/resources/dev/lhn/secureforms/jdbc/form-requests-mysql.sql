-- lhn-secure-forms JDBC form request store (JdbcFormRequestStore): schema version 1 for mysql.
-- ${prefix} is the store's table prefix (default lsf_). Every statement is idempotent.
-- One row per form request used by a browser-sealed submission, kept until the request expires, so that
-- a sealed payload is accepted once across instances (docs/BROWSER.md). No value and no key lives here.
-- request_id is base64url (case matters: a binary collation). expires_at is epoch milliseconds (UTC).
CREATE TABLE IF NOT EXISTS ${prefix}form_requests (
  request_id VARCHAR(22) NOT NULL,
  expires_at BIGINT NOT NULL,
  KEY ${prefix}form_requests_expires_at (expires_at),
  CONSTRAINT ${prefix}form_requests_pk PRIMARY KEY (request_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

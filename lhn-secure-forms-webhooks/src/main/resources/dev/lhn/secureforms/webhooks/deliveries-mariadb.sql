-- lhn-secure-forms-webhooks delivery store: schema version 1 for MariaDB 10.6+ and MySQL 8.0+.
-- ${prefix} is the store's table prefix (default lsf_). Every statement is idempotent.
-- Times are epoch milliseconds in UTC (BIGINT). The body is the Standard Webhooks envelope of an outbox
-- payload: metadata only, never a field value.
CREATE TABLE IF NOT EXISTS ${prefix}webhook_deliveries (
  message_id      CHAR(36)     NOT NULL,
  endpoint_id     VARCHAR(64)  NOT NULL,
  event_type      VARCHAR(128) NOT NULL,
  body            MEDIUMTEXT   NOT NULL,
  created_at      BIGINT       NOT NULL,
  status          VARCHAR(16)  NOT NULL,
  attempts        INTEGER      NOT NULL,
  next_attempt_at BIGINT       NOT NULL,
  claim_token     CHAR(36),
  last_error      VARCHAR(200),
  updated_at      BIGINT       NOT NULL,
  CONSTRAINT ${prefix}webhook_deliveries_pk PRIMARY KEY (message_id, endpoint_id),
  INDEX ${prefix}webhook_deliveries_due (status, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- Endpoints disabled by a 410 Gone (or by an operator): no new deliveries until enabled again.
CREATE TABLE IF NOT EXISTS ${prefix}webhook_endpoints (
  endpoint_id VARCHAR(64)  NOT NULL,
  disabled_at BIGINT       NOT NULL,
  reason      VARCHAR(200) NOT NULL,
  CONSTRAINT ${prefix}webhook_endpoints_pk PRIMARY KEY (endpoint_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

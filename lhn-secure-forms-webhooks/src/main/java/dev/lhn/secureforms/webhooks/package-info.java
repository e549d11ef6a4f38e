/**
 * Standard Webhooks v1 for the outbox: the relay ({@link dev.lhn.secureforms.webhooks.WebhookRelay}), its
 * endpoints and secrets, the retry schedule, the delivery store SPI with an in-memory and a JDBC
 * implementation, and the receiver's {@link dev.lhn.secureforms.webhooks.WebhookVerifier}. See
 * {@code docs/WEBHOOKS.md}.
 */
package dev.lhn.secureforms.webhooks;

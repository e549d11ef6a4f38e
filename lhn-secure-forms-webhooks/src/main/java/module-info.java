/**
 * Reliable delivery of the outbox as Standard Webhooks v1: {@link dev.lhn.secureforms.webhooks.WebhookRelay}
 * drains {@link dev.lhn.secureforms.spi.Outbox} into a {@link dev.lhn.secureforms.webhooks.DeliveryStore} and
 * posts every event, signed, with retries; {@link dev.lhn.secureforms.webhooks.WebhookVerifier} checks them
 * at the receiver. Needs nothing but the core and the JDK ({@code java.net.http}, {@code java.sql}).
 */
module dev.lhn.secureforms.webhooks {
  requires transitive dev.lhn.secureforms;
  requires transitive java.net.http;
  requires transitive java.sql;

  exports dev.lhn.secureforms.webhooks;
}

package dev.lhn.secureforms.event;

/**
 * Receives every {@link FormEvent}, synchronously, on the thread that caused it. Keep it quick (hand off
 * to a queue for webhooks). An exception thrown here is logged (type only) and swallowed: a listener can
 * never undo or block a purge.
 */
@FunctionalInterface
public interface FormEventListener {
  /**
   * Receives one event.
   *
   * @param event the event; metadata only, never a value
   */
  void onEvent(FormEvent event);
}

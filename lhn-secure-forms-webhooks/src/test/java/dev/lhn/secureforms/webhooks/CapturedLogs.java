package dev.lhn.secureforms.webhooks;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Every line the webhooks module logs (through {@link System.Logger}, which is java.util.logging here), formatted
 * with its parameters and any throwable, for canary checks.
 */
final class CapturedLogs extends Handler implements AutoCloseable {
  private final Logger logger = Logger.getLogger("dev.lhn.secureforms.webhooks");
  private final Level previous;
  private final SimpleFormatter formatter = new SimpleFormatter();
  private final List<String> lines = new CopyOnWriteArrayList<>();

  CapturedLogs() {
    previous = logger.getLevel();
    logger.setLevel(Level.ALL);
    setLevel(Level.ALL);
    logger.addHandler(this);
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void publish(LogRecord r) {
    lines.add(formatter.format(r));
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(previous);
  }
}

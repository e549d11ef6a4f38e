/** Runnable examples: the quick start on embedded H2 and the ChatDesk web app. */
module dev.lhn.secureforms.examples {
  requires dev.lhn.secureforms;
  requires dev.lhn.secureforms.jdbc;
  requires com.google.crypto.tink;
  requires com.h2database;
  requires java.logging;
  requires jdk.httpserver;
  requires org.slf4j;

  exports dev.lhn.secureforms.examples;
  exports dev.lhn.secureforms.examples.chatdesk;
}

package dev.lhn.secureforms.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Where the browser module lives in this jar, for hosts that serve it themselves. A servlet container serves
 * {@code META-INF/resources/} of every jar at the web root, so the module is at
 * {@code /lhn-secure-forms/secure-form.js} without any code. See {@code docs/BROWSER.md}.
 */
public final class BrowserBundle {
  /** The bundle's resource path in this jar. */
  public static final String RESOURCE = "META-INF/resources/lhn-secure-forms/secure-form.js";
  /** The path a servlet container serves it at. */
  public static final String WEB_PATH = "/lhn-secure-forms/secure-form.js";
  /** Its media type. */
  public static final String MEDIA_TYPE = "text/javascript; charset=utf-8";

  private BrowserBundle() {}

  /**
   * The bundle's bytes.
   *
   * @return a new array holding the ES module
   * @throws UncheckedIOException if it cannot be read
   * @throws IllegalStateException if the jar lacks it
   */
  public static byte[] bytes() {
    try (InputStream in = BrowserBundle.class.getResourceAsStream("/" + RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the lhn-secure-forms-browser jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + RESOURCE, e);
    }
  }
}

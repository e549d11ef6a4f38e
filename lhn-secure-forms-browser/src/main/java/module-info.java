/**
 * lhn-secure-forms-browser: the browser module of browser-sealed forms, served from the jar's
 * {@code META-INF/resources/lhn-secure-forms/secure-form.js} (see {@link dev.lhn.secureforms.browser.BrowserBundle}).
 */
module dev.lhn.secureforms.browser {
  // META-INF/resources/lhn-secure-forms/ is no package, so modules never encapsulate it: readable by all
  exports dev.lhn.secureforms.browser;
}

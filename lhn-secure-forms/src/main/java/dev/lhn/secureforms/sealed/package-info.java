/**
 * Browser-sealed submissions (HPKE, RFC 9180): form requests whose tokens bind a form, its version, a
 * conversation and an expiry; the sealing keys browsers seal to; the store that makes every request single
 * use; and the typed refusals. See {@code docs/BROWSER.md}.
 */
package dev.lhn.secureforms.sealed;

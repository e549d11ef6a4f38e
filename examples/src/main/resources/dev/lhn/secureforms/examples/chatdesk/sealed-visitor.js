// The chat desk's glue for the visitor's page (#13): renders each pending secure form with the browser
// module of lhn-secure-forms-browser, which validates the values and seals them (HPKE) on this page, and
// posts the sealed body back to this origin. The values never leave the page in the clear. Served from the
// desk's own origin under a CSP of script-src 'self'; no inline script. See docs/EXAMPLES.md.
import { renderForm } from "/lhn-secure-forms/secure-form.js";

const COULD_NOT_SEND = "Your details could not be sent, so nothing was kept. Reload the page and try again.";

async function post(action, csrf, payload) {
  let response;
  try {
    response = await fetch(action, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: payload,
      credentials: "same-origin",
      cache: "no-store",
      redirect: "error",
    });
  } catch (e) {
    return { ok: false, message: "Your details could not be sent. Check your connection and try again." };
  }
  const type = response.headers.get("Content-Type") || "";
  if (!type.startsWith("application/json")) return { ok: false, message: COULD_NOT_SEND };
  try {
    const answer = await response.json();
    return { ok: answer.ok === true && response.ok, message: String(answer.message || "") || undefined };
  } catch (e) {
    return { ok: false, message: COULD_NOT_SEND };
  }
}

for (const box of document.querySelectorAll("div.sealed-form[data-lsf-id]")) {
  const d = box.dataset;
  try {
    renderForm(box, {
      schema: JSON.parse(d.lsfSchema),
      request: JSON.parse(d.lsfRequest),
      retention: d.lsfRetention,
      idPrefix: "lsf-" + d.lsfId,
      submit: (payload) => post(d.lsfAction, d.lsfCsrf, payload),
    });
    box.dataset.lsfReady = "true";
  } catch (e) {
    box.textContent = "The secure form could not be shown. Reload the page, or ask the operator to send it again.";
  }
}

// lhn-secure-forms browser module: renders an accessible form from the schema JSON (FormSchema.toJson()),
// validates it with the same rules as the server, and seals the values with HPKE before anything leaves
// the page. No framework; one ES module. See docs/BROWSER.md.
import { validate } from "./rules.js";
import { seal } from "./seal.js";

export { validate, check, luhn, brand } from "./rules.js";
export { seal, info, openForTest } from "./seal.js";

/** Types whose values are cleared after a rejected submission. Others are kept so the visitor need not retype. */
const SENSITIVE = new Set(["CARD_NUMBER", "CARD_CVC", "CARD_EXPIRY", "US_SSN"]);

function autocomplete(field, schema) {
  switch (field.type) {
    case "CARD_NUMBER": return "cc-number";
    case "CARD_EXPIRY": return "cc-exp";
    case "CARD_CVC": return "cc-csc";
    case "EMAIL": return "email";
    case "PHONE": return "tel";
    case "US_SSN": return "off";
    default: {
      const n = field.name.toLowerCase();
      if (/postal|zip/.test(n)) return "postal-code";
      if (/name/.test(n)) return schema.fields.some((f) => f.type === "CARD_NUMBER") ? "cc-name" : "name";
      if (/country/.test(n)) return "country-name";
      return "off";
    }
  }
}

function inputmode(field) {
  switch (field.type) {
    case "CARD_NUMBER": case "CARD_CVC": case "US_SSN": case "CARD_EXPIRY": return "numeric";
    case "EMAIL": return "email";
    case "PHONE": return "tel";
    case "NUMBER": return "decimal";
    default: return null;
  }
}

function hint(field) {
  switch (field.type) {
    case "CARD_NUMBER": return "The long number on the front of your card.";
    case "CARD_EXPIRY": return "MM/YY, for example 04/29.";
    case "CARD_CVC": return "3 digits on the back, or 4 on the front of an American Express card.";
    case "US_SSN": return "For example 123-45-6789.";
    case "DATE": return "YYYY-MM-DD.";
    default: return null;
  }
}

function el(doc, tag, attrs, text) {
  const e = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * Renders the form into `container`.
 *
 * options: {schema, request, retention (plain words shown before sending), submit(payloadJson) → Promise of
 * {ok: true, message?} or {ok: false, message?}, idPrefix}
 * Returns {form, sealMillis (the last seal's duration, for measurements)}.
 */
export function renderForm(container, options) {
  const { schema, request } = options;
  const doc = container.ownerDocument;
  const p = options.idPrefix || "lsf";
  const state = { sealMillis: null };
  container.textContent = "";

  const form = el(doc, "form", { novalidate: "", "aria-labelledby": `${p}-title`, class: "lsf-form" });
  form.append(el(doc, "h2", { id: `${p}-title` }, schema.title || schema.formId));
  const summary = el(doc, "div", { id: `${p}-summary`, class: "lsf-summary", tabindex: "-1", hidden: "" });
  form.append(summary);
  const status = el(doc, "p", { id: `${p}-status`, class: "lsf-status", role: "status" });

  const inputs = new Map();
  for (const f of schema.fields) {
    const id = `${p}-f-${f.name}`;
    const wrap = el(doc, "div", { class: "lsf-field" });
    wrap.append(el(doc, "label", { for: id }, (f.label || f.name) + (f.required === false ? " (optional)" : "")));
    const described = [];
    const h = hint(f);
    if (h) {
      wrap.append(el(doc, "p", { id: `${id}-hint`, class: "lsf-hint" }, h));
      described.push(`${id}-hint`);
    }
    const err = el(doc, "p", { id: `${id}-error`, class: "lsf-error", hidden: "" });
    let input;
    if (f.type === "CHOICE") {
      input = el(doc, "select", { id, name: f.name });
      input.append(el(doc, "option", { value: "" }, "Choose…"));
      for (const o of f.options || []) input.append(el(doc, "option", { value: o }, o));
    } else if (f.type === "MULTILINE") {
      input = el(doc, "textarea", { id, name: f.name, rows: "4" });
    } else {
      input = el(doc, "input", {
        id, name: f.name, type: f.type === "EMAIL" ? "email" : f.type === "PHONE" ? "tel" : "text",
        inputmode: inputmode(f), spellcheck: "false",
      });
    }
    input.setAttribute("autocomplete", autocomplete(f, schema));
    if (f.required !== false) input.setAttribute("aria-required", "true");
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    wrap.append(input, err);
    form.append(wrap);
    inputs.set(f.name, { field: f, input, err, described });
  }

  if (options.retention) {
    form.append(el(doc, "p", { id: `${p}-retention`, class: "lsf-retention" }, options.retention));
  }
  form.append(el(doc, "p", { class: "lsf-sealnote" },
    "Your answers are encrypted on this page before they are sent; only the person helping you can open them."));
  const button = el(doc, "button", { type: "submit", class: "lsf-submit" }, "Send securely");
  form.append(button, status);
  container.append(form);

  function showErrors(errors) {
    for (const { input, err, described } of inputs.values()) {
      input.removeAttribute("aria-invalid");
      if (described.length) input.setAttribute("aria-describedby", described.join(" "));
      else input.removeAttribute("aria-describedby");
      err.hidden = true;
      err.textContent = "";
    }
    summary.textContent = "";
    if (!errors.length) {
      summary.hidden = true;
      summary.removeAttribute("role");
      return;
    }
    summary.setAttribute("role", "alert");
    summary.append(el(doc, "h3", {}, errors.length === 1 ? "There is a problem" : `There are ${errors.length} problems`));
    const list = el(doc, "ul");
    for (const e of errors) {
      const entry = inputs.get(e.field);
      const item = el(doc, "li");
      const link = el(doc, "a", { href: `#${entry.input.id}` }, `${entry.field.label || entry.field.name}: ${e.message}`);
      link.addEventListener("click", (ev) => {
        ev.preventDefault();
        entry.input.focus();
      });
      item.append(link);
      list.append(item);
      entry.input.setAttribute("aria-invalid", "true");
      entry.err.textContent = e.message;
      entry.err.hidden = false;
      entry.input.setAttribute("aria-describedby", [...entry.described, entry.err.id].join(" "));
    }
    summary.append(list);
    summary.hidden = false;
    summary.focus();
  }

  function values() {
    const v = {};
    for (const [name, { input }] of inputs) {
      if (input.value.trim() !== "") v[name] = input.value;
    }
    return v;
  }

  function clearSensitive() {
    for (const { field, input } of inputs.values()) {
      if (SENSITIVE.has(field.type)) input.value = "";
    }
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    status.textContent = "";
    const errors = validate(schema, values(), new Date());
    showErrors(errors);
    if (errors.length) return;
    button.disabled = true;
    status.textContent = "Sending securely…";
    try {
      const t0 = performance.now();
      const payload = await seal(request, values());
      state.sealMillis = performance.now() - t0;
      const answer = await options.submit(payload);
      if (answer && answer.ok) {
        for (const { input } of inputs.values()) input.value = "";
        form.querySelectorAll(".lsf-field").forEach((f) => { f.hidden = true; });
        button.hidden = true;
        status.textContent = answer.message || "Sent. Thank you: your details were delivered securely.";
        status.setAttribute("tabindex", "-1");
        status.focus();
      } else {
        clearSensitive();
        status.textContent = (answer && answer.message) || "Your details could not be sent. Please enter your card details again.";
        button.disabled = false;
        const first = [...inputs.values()].find((x) => SENSITIVE.has(x.field.type));
        (first ? first.input : button).focus();
      }
    } catch (e) {
      clearSensitive();
      status.textContent = "Your details could not be sent. Check your connection and try again.";
      button.disabled = false;
    }
  });

  return {
    form,
    get sealMillis() { return state.sealMillis; },
  };
}

/** A default stylesheet with visible focus and at least 4.5:1 contrast; hosts may use their own. */
export const STYLE = `
.lsf-form{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;max-width:32rem}
.lsf-field{margin:0 0 1rem}
.lsf-field label{display:block;font-weight:600}
.lsf-hint{margin:.1rem 0 .3rem;color:#4a4a4a;font-size:.9rem}
.lsf-form input,.lsf-form select,.lsf-form textarea{font:inherit;padding:.5rem;border:2px solid #555;border-radius:4px;width:100%;box-sizing:border-box;color:#1a1a1a;background:#fff}
.lsf-form [aria-invalid=true]{border-color:#b00020}
.lsf-error{color:#b00020;margin:.25rem 0 0;font-weight:600}
.lsf-summary{border:3px solid #b00020;padding:.5rem 1rem;margin:0 0 1rem}
.lsf-summary a{color:#b00020}
.lsf-form :focus-visible,.lsf-summary:focus{outline:3px solid #1a4fd6;outline-offset:2px}
.lsf-submit{font:inherit;font-weight:600;padding:.6rem 1.2rem;background:#1a4fd6;color:#fff;border:0;border-radius:4px;cursor:pointer}
.lsf-submit:disabled{background:#555}
.lsf-retention,.lsf-sealnote{color:#333;font-size:.95rem}
`;

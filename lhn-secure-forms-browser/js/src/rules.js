// The same rules as the Java Normalizer (lhn-secure-forms, dev.lhn.secureforms.schema): the server stays
// authoritative and re-checks everything; these give the visitor plain words before anything is sent.

export function luhn(digits) {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let x = digits.charCodeAt(i) - 48;
    if (dbl) {
      x *= 2;
      if (x > 9) x -= 9;
    }
    sum += x;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

const LENGTHS = {
  VISA: [13, 16, 19], MASTERCARD: [16], AMEX: [15], DISCOVER: [16, 17, 18, 19], JCB: [16, 17, 18, 19],
  DINERS: [14, 15, 16, 17, 18, 19], UNIONPAY: [16, 17, 18, 19], MAESTRO: [12, 13, 14, 15, 16, 17, 18, 19],
  OTHER: [12, 13, 14, 15, 16, 17, 18, 19],
};
const NAMES = {
  VISA: "Visa", MASTERCARD: "Mastercard", AMEX: "American Express", DISCOVER: "Discover", JCB: "JCB",
  DINERS: "Diners Club", UNIONPAY: "UnionPay", MAESTRO: "Maestro", OTHER: "card",
};

/** The brand of a card number's digits, as CardBrand.detect. */
export function brand(d) {
  if (d.length < 6) return "OTHER";
  const p = (n) => parseInt(d.substring(0, n), 10);
  const p1 = p(1), p2 = p(2), p3 = p(3), p4 = p(4), p6 = p(6);
  if (p2 === 34 || p2 === 37) return "AMEX";
  if ((p2 >= 51 && p2 <= 55) || (p6 >= 222100 && p6 <= 272099)) return "MASTERCARD";
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) return "DISCOVER";
  if (p4 >= 3528 && p4 <= 3589) return "JCB";
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39 || p4 === 3095) return "DINERS";
  if (p2 === 62 || p2 === 81) return "UNIONPAY";
  if (p1 === 4) return "VISA";
  if (p2 === 50 || (p2 >= 56 && p2 <= 58) || p1 === 6) return "MAESTRO";
  return "OTHER";
}

const digitsOnly = (s) => /^[0-9]+$/.test(s);

/** Checks one field; returns plain words for the visitor, or null. `ctx.brand` carries the card's brand. */
export function check(field, raw, ctx) {
  const label = field.label || field.name;
  const value = (raw || "").trim();
  if (value === "") {
    return field.required === false ? null : `Enter your ${label.toLowerCase()}.`;
  }
  switch (field.type) {
    case "CARD_NUMBER": {
      if (!/^[0-9 -]+$/.test(value)) return "Use only digits and spaces in the card number.";
      const d = value.replace(/[ -]/g, "");
      if (d.length < 12 || d.length > 19) return "The card number is too " + (d.length < 12 ? "short" : "long") + ". Check it and try again.";
      if (!luhn(d)) return "This card number is not valid. Check it for typos.";
      const b = brand(d);
      if (!LENGTHS[b].includes(d.length)) return `${NAMES[b]} card numbers do not have ${d.length} digits. Check the number.`;
      if (field.acceptedBrands && !field.acceptedBrands.includes(b)) return `${NAMES[b]} cards are not accepted here.`;
      ctx.brand = b;
      return null;
    }
    case "CARD_EXPIRY": {
      const s = value.replace(/ /g, "");
      const m = /^([0-9]{2})\/([0-9]{2}|[0-9]{4})$/.exec(s);
      if (!m) return "Enter the expiry date as MM/YY, for example 04/29.";
      const month = parseInt(m[1], 10);
      let year = parseInt(m[2], 10);
      if (month < 1 || month > 12) return "The expiry month must be 01 to 12.";
      const now = ctx.now || new Date();
      const cy = now.getUTCFullYear(), cm = now.getUTCMonth() + 1;
      if (m[2].length === 2) year += Math.floor(cy / 100) * 100;
      if (year * 12 + month < cy * 12 + cm) return "This card has expired.";
      if (year * 12 + month > (cy + 20) * 12 + cm) return "The expiry date is too far ahead. Check it.";
      return null;
    }
    case "CARD_CVC": {
      if (!digitsOnly(value)) return "The security code has only digits.";
      const expected = ctx.brand === undefined ? null : ctx.brand === "AMEX" ? 4 : 3;
      if (expected === null ? value.length !== 3 && value.length !== 4 : value.length !== expected) {
        return expected === null ? "The security code has 3 or 4 digits."
          : `The security code of this card has ${expected} digits.`;
      }
      return null;
    }
    case "US_SSN": {
      let d;
      if (/^[0-9]{3}-[0-9]{2}-[0-9]{4}$/.test(value)) d = value.replace(/-/g, "");
      else if (/^[0-9]{9}$/.test(value)) d = value;
      else return "Enter the Social Security number as 123-45-6789.";
      const area = parseInt(d.substring(0, 3), 10), group = parseInt(d.substring(3, 5), 10), serial = parseInt(d.substring(5), 10);
      if (area === 0 || area === 666 || area >= 900 || group === 0 || serial === 0) return "This is not a valid Social Security number.";
      return null;
    }
    case "EMAIL":
      return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value) ? null : "Enter an e-mail address like name@example.com.";
    case "DATE":
      return /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value) && !isNaN(Date.parse(value + "T00:00:00Z")) ? null : "Enter the date as YYYY-MM-DD.";
    case "NUMBER":
      return /^-?[0-9]+(\.[0-9]+)?$/.test(value) ? null : "Enter a number.";
    case "PHONE":
      return /^\+?[0-9 ()-]{6,20}$/.test(value) ? null : "Enter a phone number.";
    case "CHOICE":
      return (field.options || []).includes(value) ? null : "Choose one of the options.";
    default: {
      const max = field.maxLength || (field.type === "MULTILINE" ? 4000 : 200);
      return value.length > max ? `Use at most ${max} characters.` : null;
    }
  }
}

/** Checks every field; returns [{field, message}] in form order. */
export function validate(schema, values, now) {
  const ctx = { now };
  const errors = [];
  for (const f of schema.fields) {
    const msg = check(f, values[f.name], ctx);
    if (msg) errors.push({ field: f.name, message: msg });
  }
  return errors;
}

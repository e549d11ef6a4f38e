import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/core";

// HPKE (RFC 9180) base mode: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, as the server's Tink.
const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
const enc = new TextEncoder();

export function b64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function unb64url(s) {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** HPKE's info: "lsf/sealed/v1" NUL kid NUL token. */
export function info(kid, token) {
  return enc.encode("lsf/sealed/v1\u0000" + kid + "\u0000" + token);
}

/**
 * Seals the values for a form request ({token, key: {kid, x}}): returns the payload JSON the server's
 * SecureForms.submitSealed opens. The values never leave this function unsealed.
 */
export async function seal(request, values) {
  const recipientPublicKey = await suite.kem.importKey("raw", unb64url(request.key.x).buffer, true);
  const sender = await suite.createSenderContext({ recipientPublicKey, info: info(request.key.kid, request.token) });
  const ct = new Uint8Array(await sender.seal(enc.encode(JSON.stringify(values)).buffer));
  const encapsulated = new Uint8Array(sender.enc);
  const out = new Uint8Array(encapsulated.length + ct.length);
  out.set(encapsulated, 0);
  out.set(ct, encapsulated.length);
  return JSON.stringify({ v: 1, token: request.token, kid: request.key.kid, ct: b64url(out) });
}

/** Opens enc || ct with a raw X25519 private key: for interoperability tests only. */
export async function openForTest(privateKeyB64, kid, token, ctB64) {
  const all = unb64url(ctB64);
  const priv = await suite.kem.importKey("raw", unb64url(privateKeyB64).buffer, false);
  const recipient = await suite.createRecipientContext({ recipientKey: priv, enc: all.slice(0, 32).buffer, info: info(kid, token) });
  return new TextDecoder().decode(await recipient.open(all.slice(32).buffer));
}

// Interoperability with the server's Tink HPKE, run by HpkeInteropTest when Node is available:
//   node interop.mjs seal <requestJson> <valuesJson>     prints a payload sealed by the built bundle
//   node interop.mjs open <privateKeyB64> <payloadJson>   prints the plaintext a Java-sealed payload holds
import { seal, openForTest } from "../../src/main/resources/META-INF/resources/lhn-secure-forms/secure-form.js";

const [mode, a, b] = process.argv.slice(2);
if (mode === "seal") {
  process.stdout.write(await seal(JSON.parse(a), JSON.parse(b)));
} else if (mode === "open") {
  const p = JSON.parse(b);
  process.stdout.write(await openForTest(a, p.kid, p.token, p.ct));
} else {
  console.error("usage: interop.mjs seal|open ...");
  process.exit(2);
}

package dev.lhn.secureforms.text;

/**
 * The words that make a number sensitive (or not) by what stands next to it, in English, Spanish, French,
 * German, Portuguese, Italian and Dutch. Matching is case-insensitive, at a word start, and allocates
 * nothing ({@link String#regionMatches(boolean, int, String, int, int)}).
 */
final class Keywords {
  private Keywords() {}

  /** Words for a payment card. */
  static final Words CARD = new Words(
    "card", "credit", "debit", "visa", "mastercard", "master card", "amex", "american express", "discover",
    "jcb", "diners", "unionpay", "union pay", "maestro", "cc#", "cc ", "cc:", "pan", "payment",
    "tarjeta", "crédito", "credito", "débito", "pago", "carte", "paiement", "cb ", "karte", "kreditkarte",
    "zahlung", "cartão", "cartao", "pagamento", "carta", "kaart", "creditcard", "betaling", "betalen",
    "kartennummer", "número de tarjeta", "numéro de carte", "numero di carta", "número do cartão", "tarj",
    "pas ", "pasnummer", "bankpas", "cb:", "cc-");

  /**
   * Weaker words that, next to a 12- or 13-digit number, still say "card": "number", "charge". They never
   * outweigh a word for something else ("order number").
   */
  static final Words CARD_WEAK = new Words(
    "number", "nummer", "número", "numéro", "numero", "núm", "num.", "nº", "n°", "no.", "charge", "cobrar",
    "cobra", "cóbr", "débiter", "debiter", "debitar", "belasten", "abbuchen", "addebita", "expir", "it's the",
    "here it is", "here you go", "aquí", "voici", "hier");

  /** Words for a card's expiry date. */
  static final Words EXPIRY = new Words(
    "exp ", "exp.", "exp:", "exp/", "expiry", "expires", "expiration", "expiring", "expire", "valid thru",
    "valid through", "valid until", "good thru", "mm/yy", "vence", "vencimiento", "caducidad", "caduca",
    "fecha de", "date d'expiration", "date d’expiration", "expiration", "valable", "ablauf", "gültig",
    "gueltig", "läuft", "validade", "vencimento", "validità", "scadenza", "scade", "vervaldatum",
    "geldig tot", "verloopt");

  /** Words for a card's security code. */
  static final Words CODE = new Words(
    "cvv", "cvc", "cvv2", "cvc2", "cid", "csc", "security code", "card code", "verification code",
    "código de seguridad", "codigo de seguridad", "code de sécurité", "code de securite", "cryptogramme",
    "code secret", "prüfnummer", "pruefnummer", "prüfziffer", "sicherheitscode", "kartenprüfnummer",
    "código de segurança", "codigo de seguranca", "codice di sicurezza", "codice cvv", "beveiligingscode",
    "controlecode", "3 digits", "3-digit", "three digit", "back of the card", "dígitos", "digitos",
    "chiffres", "ziffern", "cifre", "cijfers");

  /** Words for a US social security number. */
  static final Words SSN = new Words(
    "ssn", "ss#", "ss #", "s.s.n", "ss number", "ss no", "ss num", "social security", "social sec", "soc sec", "soc. sec", "social",
    "tax id", "taxpayer", "seguro social", "número de seguro", "numero de seguro", "sécurité sociale",
    "securite sociale", "sozialversicherung", "segurança social", "seguranca social", "previdenza sociale",
    "sociale zekerheid");

  /**
   * Words that, right before a number, say it is something else: an order, a phone, an account. A card or
   * SSN word between them and the number wins.
   */
  static final Words OTHER = new Words(
    "order", "tracking", "track", "invoice", "ref", "reference", "ticket", "case", "confirmation",
    "booking", "reservation", "isbn", "iban", "bic", "account", "acct", "routing", "phone", "tel", "fax",
    "mobile", "cell", "call", "whatsapp", "serial", "imei", "sku", "part", "model", "po", "customer",
    "member", "policy", "claim", "patient", "mrn", "npi", "transaction", "txn", "receipt", "parcel",
    "package", "shipment", "awb", "pedido", "factura", "referencia", "seguimiento", "commande", "facture",
    "colis", "suivi", "bestellung", "bestellnummer", "rechnung", "sendung", "kundennummer", "encomenda",
    "fatura", "rastreamento", "ordine", "fattura", "spedizione", "bestelling", "factuur", "zending",
    "id", "lot", "batch", "serial", "ean", "gtin", "upc", "barcode", "voucher", "coupon", "gift code", "bsn", "dni", "nie", "nif", "cpf", "nino", "insee", "steuer", "sofi", "sin ");

  /**
   * Whether one of {@code words} starts at a word start within {@code [from, to)} of {@code text}.
   *
   * @return the start of the last match, or -1
   */
  static int lastIn(CharSequence text, int from, int to, Words words) {
    from = Math.max(0, from);
    to = Math.min(text.length(), to);
    for (int p = to - 1; p >= from; p--) {
      if (p > 0 && Character.isLetter(text.charAt(p - 1))) {
        continue;
      }
      if (!words.mayStartWith(text.charAt(p))) {
        continue;
      }
      for (String w : words.words) {
        if (p + w.length() <= text.length() && regionMatches(text, p, w)) {
          return p;
        }
      }
    }
    return -1;
  }

  /**
   * Like {@link #lastIn}, but the match must also end at a word end (a plural {@code s} allowed): "ref"
   * matches "ref" and "refs", not "refund".
   *
   * @return the start of the last match, or -1
   */
  static int lastWordIn(CharSequence text, int from, int to, Words words) {
    from = Math.max(0, from);
    to = Math.min(text.length(), to);
    for (int p = to - 1; p >= from; p--) {
      if (p > 0 && Character.isLetter(text.charAt(p - 1))) {
        continue;
      }
      if (!words.mayStartWith(text.charAt(p))) {
        continue;
      }
      for (String w : words.words) {
        int e = p + w.length();
        if (e <= text.length() && regionMatches(text, p, w) && wordEnd(text, e)) {
          return p;
        }
      }
    }
    return -1;
  }

  private static boolean wordEnd(CharSequence text, int e) {
    if (e >= text.length() || !Character.isLetter(text.charAt(e))) {
      return true;
    }
    char c = text.charAt(e);
    return (c == 's' || c == 'S') && (e + 1 >= text.length() || !Character.isLetter(text.charAt(e + 1)));
  }

  /** A word list with the set of its first characters, so that most positions are skipped at once. */
  static final class Words {
    final String[] words;
    private final boolean[] firstAscii = new boolean[128];
    private final boolean anyNonAsciiFirst;

    Words(String... words) {
      this.words = words;
      boolean nonAscii = false;
      for (String w : words) {
        char f = w.charAt(0);
        if (f < 128) {
          firstAscii[f] = true;
          firstAscii[Character.toUpperCase(f)] = true;
        } else {
          nonAscii = true;
        }
      }
      this.anyNonAsciiFirst = nonAscii;
    }

    boolean mayStartWith(char c) {
      return c < 128 ? firstAscii[c] : anyNonAsciiFirst;
    }
  }

  private static boolean regionMatches(CharSequence text, int at, String word) {
    for (int i = 0; i < word.length(); i++) {
      char a = text.charAt(at + i);
      char b = word.charAt(i);
      if (a != b && Character.toLowerCase(a) != b && Character.toLowerCase(Character.toUpperCase(a)) != b) {
        return false;
      }
    }
    return true;
  }
}

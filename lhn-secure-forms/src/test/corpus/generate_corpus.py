#!/usr/bin/env python3
"""Generates the labeled chat corpora for SensitiveText's accuracy test (docs/TEXT.md).

  python3 generate_corpus.py   # rewrites ../resources/dev/lhn/secureforms/text/*.jsonl, byte for byte

Two corpora from two independent designs, so that the detector is not measured only on the text it was
tuned on:
  chat-corpus.jsonl    design A: one-sentence chat lines from templates in seven languages, with every
                       hard negative of issue #14 (timestamps, orders, phones, tracking numbers, IBANs,
                       ISBNs, UUIDs, IPs, dates, prices, masked numbers, Luhn-valid numbers outside issuer
                       ranges...)
  heldout-corpus.jsonl design B: multi-part messages glued from fragments with noise (emoji, typos,
                       quoting, odd spacing, NBSP and en dash separators, numbers at the very start or
                       end), written after the detector and never used to tune it.
Card numbers are published test numbers, or random digits after test BINs with a Luhn check digit; SSNs
are random numbers in the valid ranges. Each line: {"text": ..., "spans": [{"kind", "start", "end"}]},
offsets in UTF-16 code units, end exclusive.
"""
import json, os, random, string, uuid

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "dev", "lhn", "secureforms", "text")

TEST_CARDS = ["4111111111111111", "4242424242424242", "4012888888881881", "4000056655665556",
              "5555555555554444", "5105105105105100", "5200828282828210", "2223003122003222",
              "2221000000000009", "378282246310005", "371449635398431", "6011111111111117",
              "6011000990139424", "3530111333300000", "3566002020360505", "30569309025904",
              "36227206271667", "6200000000000005", "6759649826438453", "4222222222222",
              "6205500000000000004", "3056930009020004"]
TEST_BINS = ["400000", "424242", "411111", "555555", "222300", "510510", "378282", "371449", "601100",
             "353011", "356600", "305693", "620000", "675964", "650000"]

def luhn_ok(d):
    s = 0
    for i, c in enumerate(reversed(d)):
        v = int(c)
        if i % 2 == 1:
            v *= 2
            if v > 9: v -= 9
        s += v
    return s % 10 == 0

def with_check(body):
    for c in "0123456789":
        if luhn_ok(body + c): return body + c

def length_for(bin6, r):
    if bin6.startswith(("34", "37")): return 15
    if bin6.startswith(("30", "36")): return r.choice([14, 16])
    if bin6.startswith(("62", "35", "60", "65")): return r.choice([16, 16, 16, 19])
    if bin6.startswith("67"): return r.choice([16, 19])
    if bin6.startswith(("5", "2")): return 16
    return r.choice([16, 16, 16, 16, 19])

def card(r):
    if r.random() < 0.4: return r.choice(TEST_CARDS)
    b = r.choice(TEST_BINS)
    n = length_for(b, r)
    return with_check(b + "".join(r.choice(string.digits) for _ in range(n - 7)))

def fmt_card(d, r, seps=(" ", "-", "", "  ", ".")):
    sep = r.choice(seps)
    if sep == "": return d
    if len(d) == 15: g = [4, 6, 5]
    elif len(d) == 14: g = [4, 6, 4]
    else: g = [4] * (len(d) // 4) + ([len(d) % 4] if len(d) % 4 else [])
    out, i = [], 0
    for n in g:
        out.append(d[i:i + n]); i += n
    return sep.join(out)

def ssn(r):
    while True:
        a = r.randint(1, 899)
        if a != 666: break
    return "%03d%02d%04d" % (a, r.randint(1, 99), r.randint(1, 9999))

def fmt_ssn(d, sep):
    return d if sep == "" else d[:3] + sep + d[3:5] + sep + d[5:]

def bad_luhn(d):
    last = int(d[-1])
    return d[:-1] + str((last + 1 + random.Random(d).randint(0, 8)) % 10)

def u16(s):
    return len(s.encode("utf-16-le")) // 2

class Line:
    def __init__(self): self.text, self.spans = "", []
    def add(self, s, kind=None):
        if kind: self.spans.append({"kind": kind, "start": u16(self.text), "end": u16(self.text) + u16(s)})
        self.text += s
        return self
    def json(self): return json.dumps({"text": self.text, "spans": self.spans}, ensure_ascii=False)

# ---------------------------------------------------------------- design A
CARD_LEAD = {
    "en": ["my card is ", "card number: ", "here is my visa ", "you can charge ", "the number on my card is ",
           "ok it's ", "use this card ", "credit card ", "debit card no. ", "mastercard "],
    "es": ["mi tarjeta es ", "número de tarjeta: ", "le paso la tarjeta ", "cobren a esta tarjeta "],
    "fr": ["ma carte est ", "numéro de carte : ", "voici ma carte bancaire ", "ma CB "],
    "de": ["meine Karte ist ", "Kartennummer: ", "hier die Kreditkarte ", "bitte belasten Sie "],
    "pt": ["meu cartão é ", "número do cartão: ", "segue o cartão "],
    "it": ["la mia carta è ", "numero di carta: ", "ecco la carta "],
    "nl": ["mijn kaart is ", "kaartnummer: ", "hier is mijn creditcard "],
}
EXP = {"en": " exp ", "es": " vence ", "fr": " expire ", "de": " gültig bis ", "pt": " validade ",
       "it": " scadenza ", "nl": " geldig tot "}
CVC = {"en": " cvv ", "es": " código de seguridad ", "fr": " cryptogramme ", "de": " Prüfziffer ",
       "pt": " código de segurança ", "it": " codice di sicurezza ", "nl": " beveiligingscode "}
TAIL = ["", ".", " thanks", " 🙏", ", gracias", " merci", " danke", " obrigado", " grazie", " bedankt", "!"]
SSN_LEAD = ["my ssn is ", "SSN: ", "social security number ", "my social security # is ", "ss# ",
            "número de seguro social: ", "mi seguro social es ", "for the tax id use ", "SSN "]

def a_card(r):
    lang = r.choice(list(CARD_LEAD))
    l = Line().add(r.choice(CARD_LEAD[lang])).add(fmt_card(card(r), r), "CARD_NUMBER")
    if r.random() < 0.45:
        l.add(EXP[lang])
        l.add("%02d/%s" % (r.randint(1, 12), r.choice(["27", "28", "2029", "30"])), "CARD_EXPIRY")
        if r.random() < 0.5:
            l.add(CVC[lang]).add("%03d" % r.randint(0, 999), "CARD_CVC")
    return l.add(r.choice(TAIL))

def a_bare_card(r):
    return Line().add(fmt_card(card(r), r), "CARD_NUMBER").add(r.choice(TAIL))

def a_ssn(r):
    sep = r.choice(["-", "-", " ", ""])
    l = Line()
    if sep == "" or r.random() < 0.7:
        l.add(r.choice(SSN_LEAD))
    else:
        l.add(r.choice(["it's ", "number is ", "", "here: "]))
    return l.add(fmt_ssn(ssn(r), sep), "US_SSN").add(r.choice(TAIL))

def luhn_valid_random(r, n, first):
    return with_check(first + "".join(r.choice(string.digits) for _ in range(n - 1 - len(first))))

def iban(r):
    country = r.choice(["DE", "FR", "ES", "IT", "NL", "GB", "PT"])
    body = "".join(r.choice(string.digits) for _ in range(r.choice([18, 20, 22])))
    raw = body + country + "00"
    num = int("".join(str(int(c, 36)) for c in raw))
    chk = "%02d" % (98 - num % 97)
    s = country + chk + body
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4)) if r.random() < 0.7 else s

def isbn13(r):
    d = "978" + "".join(r.choice(string.digits) for _ in range(9))
    c = (10 - sum(int(x) * (1 if i % 2 == 0 else 3) for i, x in enumerate(d)) % 10) % 10
    d += str(c)
    return r.choice([d, "%s-%s-%s-%s-%s" % (d[:3], d[3], d[4:6], d[6:12], d[12])])

def negatives(r):
    ts_ms = str(r.randint(1_500_000_000_000, 1_900_000_000_000))
    ts_s = str(r.randint(1_500_000_000, 1_900_000_000))
    order16 = luhn_valid_random(r, 16, r.choice(["4", "5"]))
    phone = r.choice(["+1 415 555 %04d" % r.randint(0, 9999), "(212) 555-%04d" % r.randint(0, 9999),
                      "+44 20 7946 %04d" % r.randint(0, 9999), "+49 30 %08d" % r.randint(0, 99999999),
                      "415-555-%04d" % r.randint(0, 9999), "+33 6 12 34 56 %02d" % r.randint(0, 99),
                      "+34 612 345 %03d" % r.randint(0, 999), "+5511 9%08d" % r.randint(0, 99999999)])
    masked = r.choice(["**** **** **** %04d", "XXXX-XXXX-XXXX-%04d", "ending in %04d", "•••• %04d",
                       "4111 11** **** %04d", "xxxxxxxxxxxx%04d"]) % r.randint(0, 9999)
    outside = luhn_valid_random(r, 16, r.choice(["1", "7", "8", "9", "0"]))
    bad = bad_luhn(r.choice(TEST_CARDS))
    ip = "%d.%d.%d.%d" % tuple(r.randint(1, 254) for _ in range(4))
    bad_ssn = r.choice(["000-%02d-%04d" % (r.randint(1, 99), r.randint(1, 9999)),
                        "666-%02d-%04d" % (r.randint(1, 99), r.randint(1, 9999)),
                        "9%02d-%02d-%04d" % (r.randint(0, 99), r.randint(1, 99), r.randint(1, 9999)),
                        "%03d-00-%04d" % (r.randint(1, 665), r.randint(1, 9999)),
                        "%03d-%02d-0000" % (r.randint(1, 665), r.randint(1, 99))])
    return r.choice([
        "the event happened at %s ms" % ts_ms, "timestamp=%s" % ts_ms, "log time %s" % ts_s,
        "order number %s" % fmt_card(order16, r, (" ", "")), "my order %s hasn't arrived" % order16,
        "pedido %s" % order16, "Bestellnummer %s" % order16, "commande n° %s" % order16,
        "call me at %s" % phone, "mi teléfono es %s" % phone, "tel: %s" % phone, "whatsapp %s" % phone,
        "tracking 1Z%s" % "".join(r.choice(string.ascii_uppercase + string.digits) for _ in range(16)),
        "tracking number %s" % "".join(r.choice(string.digits) for _ in range(22)),
        "fedex %s" % "".join(r.choice(string.digits) for _ in range(12)),
        "my IBAN is %s" % iban(r), "IBAN: %s" % iban(r), "ISBN %s" % isbn13(r), "the book is %s" % isbn13(r),
        "id %s" % uuid.UUID(int=r.getrandbits(128)), "request %s failed" % uuid.UUID(int=r.getrandbits(128)),
        "server %s is down" % ip, "from ip %s" % ip,
        "see you on %02d/%02d/%d" % (r.randint(1, 28), r.randint(1, 12), r.randint(2020, 2030)),
        "meeting 2026-%02d-%02d at 10:30" % (r.randint(1, 12), r.randint(1, 28)),
        "it costs $%d,%03d.%02d" % (r.randint(1, 99), r.randint(0, 999), r.randint(0, 99)),
        "total €%d.%02d" % (r.randint(1, 9999), r.randint(0, 99)), "price 1.234.567,89 EUR",
        "card on file: %s" % masked, "paid with %s" % masked, "the number %s" % outside, "ref %s" % outside,
        "I think it was %s but not sure" % bad, "account %s" % "".join(r.choice(string.digits) for _ in range(10)),
        "invoice %s" % luhn_valid_random(r, 16, "4"), "ticket #%s" % luhn_valid_random(r, 15, "37"),
        "the code was %s" % bad_ssn, "ssn %s" % bad_ssn, "zip 94105-%04d" % r.randint(0, 9999),
        "SKU %03d-%02d-%04d" % (r.randint(100, 665), r.randint(10, 99), r.randint(1000, 9999)),
        "part no %03d-%02d-%04d" % (r.randint(100, 665), r.randint(10, 99), r.randint(1000, 9999)),
        "routing %09d" % r.randint(0, 999999999), "my employee id is %09d" % r.randint(10**8, 10**9 - 1),
        "room 12, floor 3, 4 people", "I have 2 cards but only 1 works", "the 12/25 delivery",
        "version 4.111.1111.1111", "coordinates 41.1111, -73.1111", "%d items at %d each" % (r.randint(2, 9), r.randint(100, 999)),
        "imei %s" % luhn_valid_random(r, 15, "35"), "order 12345 shipped", "lot %s" % "".join(r.choice(string.digits) for _ in range(19)),
    ])

def design_a(seed, n):
    r = random.Random(seed)
    lines = []
    for _ in range(n):
        x = r.random()
        if x < 0.28: lines.append(a_card(r))
        elif x < 0.36: lines.append(a_bare_card(r))
        elif x < 0.52: lines.append(a_ssn(r))
        else: lines.append(Line().add(negatives(r)).add(r.choice(TAIL)))
    return lines

# ---------------------------------------------------------------- design B
NOISE = ["", "hi ", "hello? ", "ok so ", "um ", "> ", "sorry ", "💳 ", "yes ", "Hola, ", "Bonjour, ", "Hallo, "]
JOIN = [" ", "  ", "\n", " - ", ", ", "... "]

def b_frag(r, l):
    k = r.randint(0, 9)
    if k == 0:
        l.add(r.choice(["card ", "cc ", "Visa: ", "tarjeta ", "karte "]))
        l.add(fmt_card(card(r), r, ("\u00a0", "\u2013", " ", "", "-")), "CARD_NUMBER")
    elif k == 1:
        l.add(fmt_card(card(r), r), "CARD_NUMBER")
        l.add(r.choice([" ", " exp ", " expires ", " / "]))
        l.add("%d/%s" % (r.randint(1, 12), r.choice(["26", "27", "2031"])), "CARD_EXPIRY")
    elif k == 2:
        l.add(r.choice(["SSN ", "social: ", "soc sec ", "my ss# is ", "SSN is "]))
        l.add(fmt_ssn(ssn(r), r.choice(["-", " ", ""])), "US_SSN")
    elif k == 3:
        l.add(fmt_ssn(ssn(r), "-"), "US_SSN")
    elif k == 4:
        l.add(r.choice(["order #", "Order ", "tracking: ", "Phone ", "IBAN "]))
        l.add(r.choice([luhn_valid_random(r, 16, "4"), iban(r), "+1 212 555 %04d" % r.randint(0, 9999)]))
    elif k == 5:
        l.add(negatives(r))
    elif k == 6:
        l.add(r.choice(["it's ", "number ", "", "here "]))
        l.add(fmt_card(card(r), r, (" ", "")), "CARD_NUMBER")
        l.add(r.choice([" cvc ", " cvv: ", " code "]))
        l.add("%03d" % r.randint(0, 999), "CARD_CVC")
    elif k == 7:
        l.add(r.choice(["the reading was ", "we got ", "batch "]))
        l.add("".join(r.choice(string.digits) for _ in range(r.choice([5, 8, 11, 20]))))
    elif k == 8:
        l.add("%s-%s" % (r.randint(10, 99), r.randint(1000, 9999)))
    else:
        l.add(r.choice(["can you help", "ok", "what is the status", "danke!", "merci beaucoup", "perfeito"]))

def design_b(seed, n):
    r = random.Random(seed)
    out = []
    for _ in range(n):
        l = Line().add(r.choice(NOISE))
        for p in range(r.randint(1, 3)):
            if p: l.add(r.choice(JOIN))
            b_frag(r, l)
        out.append(l.add(r.choice(TAIL)))
    return out

def write(name, lines, extra=()):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
        for l in lines: f.write(l.json() + "\n")
        for e in extra: f.write(e + "\n")

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write("chat-corpus.jsonl", design_a(20261201, 3200))
    write("heldout-corpus.jsonl", design_b(9180, 2000))

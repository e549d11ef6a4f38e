package dev.lhn.secureforms.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lhn.secureforms.text.SensitiveText.Finding;
import dev.lhn.secureforms.text.SensitiveText.Kind;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Every Luhn-valid number in a real issuer range, embedded in chat words, is found whole and redacted. */
class SensitiveTextProperties {

  @Provide
  Arbitrary<String> cards() {
    Arbitrary<String> bin = Arbitraries.of("4", "51", "55", "2221", "2720", "34", "37", "6011", "65", "3528", "36", "62");
    return Combinators.combine(bin, Arbitraries.strings().numeric().ofLength(18)).as((b, rest) -> {
      int length = b.equals("34") || b.equals("37") ? 15 : b.equals("36") ? 14 : 16;
      String body = (b + rest).substring(0, length - 1);
      for (char c = '0'; c <= '9'; c++) {
        if (luhn(body + c)) {
          return body + c;
        }
      }
      throw new AssertionError();
    });
  }

  @Provide
  Arbitrary<String> words() {
    return Arbitraries.of("my card is", "tarjeta", "hier", "voici", "ok", "", "please charge", "número de tarjeta:");
  }

  static boolean luhn(String d) {
    int sum = 0;
    for (int i = d.length() - 1, pos = 0; i >= 0; i--, pos++) {
      int v = d.charAt(i) - '0';
      if ((pos & 1) == 1) {
        v = v * 2 > 9 ? v * 2 - 9 : v * 2;
      }
      sum += v;
    }
    return sum % 10 == 0;
  }

  @Property(tries = 500)
  void everyValidCard_inChatWords_isFoundWhole(@ForAll("cards") String card, @ForAll("words") String before,
      @ForAll("words") String after, @ForAll boolean grouped) {
    String typed = grouped && card.length() == 16
        ? card.substring(0, 4) + " " + card.substring(4, 8) + " " + card.substring(8, 12) + " " + card.substring(12) : card;
    String text = (before + " " + typed + " " + after).trim();
    assertThat(SensitiveText.defaults().scan(text)).filteredOn(f -> f.kind() == Kind.CARD_NUMBER)
        .singleElement().satisfies(f -> assertThat(text.substring(f.start(), f.end())).isEqualTo(typed));
    assertThat(SensitiveText.defaults().redact(text)).doesNotContain(typed).contains("[card ending " + card.substring(card.length() - 4) + "]");
  }

  @Property(tries = 300)
  void scanning_neverThrows_andFindingsAreInBounds(@ForAll String text) {
    for (Finding f : SensitiveText.defaults().scan(text)) {
      assertThat(f.end()).isLessThanOrEqualTo(text.length());
    }
  }
}

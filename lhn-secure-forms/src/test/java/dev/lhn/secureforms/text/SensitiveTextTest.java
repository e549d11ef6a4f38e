package dev.lhn.secureforms.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lhn.secureforms.schema.CardBrand;
import dev.lhn.secureforms.text.SensitiveText.Finding;
import dev.lhn.secureforms.text.SensitiveText.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SensitiveTextTest {
  final SensitiveText detector = SensitiveText.defaults();

  @Test
  void theIssuesExample_findsCardAndExpiry_andRedactsThem() {
    String text = "my card is 4111 1111 1111 1111 exp 09/27";
    List<Finding> found = detector.scan(text);
    assertThat(found).extracting(Finding::kind).containsExactly(Kind.CARD_NUMBER, Kind.CARD_EXPIRY);
    Finding card = found.get(0);
    assertThat(text.substring(card.start(), card.end())).isEqualTo("4111 1111 1111 1111");
    assertThat(card.brand()).isEqualTo(CardBrand.VISA);
    assertThat(card.lastFour()).isEqualTo("1111");
    assertThat(detector.redact(text)).isEqualTo("my card is [card ending 1111] exp [expiry]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111111111111111", "4111-1111-1111-1111", "4111.1111.1111.1111",
      "4111  1111  1111  1111", "3782 822463 10005", "5555 5555 5555 4444", "2223 0031 2200 3222",
      "6205 5000 0000 0000 004", "3056 930902 5904", "6011111111111117", "3530111333300000",
      "4111\u00a01111\u00a01111\u00a01111", "4111\u20131111\u20131111\u20131111"})
  void cardNumbers_inTheFormatsPeopleType_areFound(String number) {
    for (String text : List.of(number, "card: " + number + ".", "mi tarjeta es " + number + ", gracias",
        "Kartennummer " + number + " danke", "(" + number + ")")) {
      assertThat(detector.scan(text)).as(text).singleElement()
          .satisfies(f -> assertThat(text.substring(f.start(), f.end())).isEqualTo(number));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1700000000000", "the order 4111111111111111 shipped", "tracking 9400111899223197428490",
      "IBAN DE89 3704 0044 0532 0130 00", "ISBN 978-3-16-148410-0", "123e4567-e89b-12d3-a456-426614174000",
      "192.168.100.200", "2026-12-01", "$4,111.11", "**** **** **** 1111", "XXXX-XXXX-XXXX-1111",
      "4111 1111 1111 1112", "7111111111111114", "+44 20 7946 0958", "call +1 415 555 0132",
      "4111111111111111abc", "a4111111111111111", "12/25 is Christmas", "room 123", "000-12-3456",
      "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000", "my number is 123456789",
      "SKU 123-45-6789", "order 123-45-6789", "invoice 4111111111111111"})
  void hardNegatives_findNothing(String text) {
    assertThat(detector.scan(text)).as(text).isEmpty();
    assertThat(detector.redact(text)).isSameAs(text);
  }

  @Test
  void ssns_withDashesOrSpaces_orNineDigitsNextToAKeyword() {
    assertThat(detector.scan("it's 123-45-6789")).extracting(Finding::kind).containsExactly(Kind.US_SSN);
    assertThat(detector.scan("SSN 123 45 6789")).extracting(Finding::kind).containsExactly(Kind.US_SSN);
    assertThat(detector.scan("my ssn is 123456789")).extracting(Finding::kind).containsExactly(Kind.US_SSN);
    assertThat(detector.scan("número de seguro social: 123456789")).hasSize(1);
    assertThat(detector.scan("the advert's 078-05-1120")).hasSize(1);
    assertThat(detector.redact("SSN: 123-45-6789.")).isEqualTo("SSN: [SSN].");
  }

  @Test
  void cardCodeAndExpiry_countOnlyNextToACardOrTheirWord() {
    assertThat(detector.scan("4111 1111 1111 1111 09/27 123")).extracting(Finding::kind)
        .containsExactly(Kind.CARD_NUMBER, Kind.CARD_EXPIRY, Kind.CARD_CVC);
    assertThat(detector.scan("the cvv is 123")).extracting(Finding::kind).containsExactly(Kind.CARD_CVC);
    assertThat(detector.scan("la date d'expiration est 09/27")).extracting(Finding::kind).containsExactly(Kind.CARD_EXPIRY);
    assertThat(detector.scan("see you 09/27, table for 123")).isEmpty();
    assertThat(detector.redact("3782 822463 10005 cid 1234")).isEqualTo("[card ending 0005] cid [card code]");
  }

  @Test
  void findingsCarryNoValue_andToStringNotEvenTheLastFour() {
    Finding f = detector.scan("card 4111 1111 1111 1111").get(0);
    assertThat(f.toString()).doesNotContain("4111", "1111").contains("CARD_NUMBER", "VISA");
  }

  @Test
  void kinds_canBeChosen() {
    SensitiveText cardsOnly = SensitiveText.of(Kind.CARD_NUMBER);
    assertThat(cardsOnly.scan("SSN 123-45-6789 card 4111111111111111 cvv 123"))
        .extracting(Finding::kind).containsExactly(Kind.CARD_NUMBER);
  }

  @Test
  void conversation_findsACardNumberSplitOverMessages_inEachOfThem() {
    try (ConversationScanner chat = detector.conversation()) {
      assertThat(chat.scan("hi, my card is 4111 1111")).isEmpty();
      List<Finding> found = chat.scan("1111 1111 thanks");
      assertThat(found).extracting(Finding::messageIndex).containsExactly(0, 1);
      assertThat(found).allSatisfy(f -> assertThat(f.split()).isTrue());
      assertThat(found.get(0).start()).isEqualTo(15);
      assertThat(found.get(1).lastFour()).isEqualTo("1111");
      assertThat(found.get(1).brand()).isEqualTo(CardBrand.VISA);
      assertThat(chat.scan("4111")).isEmpty();
      assertThat(chat.scan("1111")).isEmpty();
      assertThat(chat.scan("1111")).isEmpty();
      assertThat(chat.scan("1111")).extracting(Finding::messageIndex).containsExactly(2, 3, 4, 5);
    }
  }

  @Test
  void conversation_forgetsDigitsThatAreNotContinued() {
    try (ConversationScanner chat = detector.conversation()) {
      assertThat(chat.scan("my card starts 4111 1111")).isEmpty();
      assertThat(chat.scan("wait, let me check")).isEmpty();
      assertThat(chat.scan("1111 1111")).isEmpty();
      assertThat(chat.toString()).doesNotContain("4111", "1111");
    }
  }

  @Test
  void redactTranscript_redactsBothPartsOfASplitNumber() {
    List<String> out = detector.redactTranscript(List.of("card 4111 1111", "1111 1111", "exp 09/27 thanks"));
    assertThat(out).containsExactly("card [card number]", "[card ending 1111]", "exp [expiry] thanks");
    assertThat(String.join(" ", out)).doesNotContain("4111", "1111 ");
  }
}

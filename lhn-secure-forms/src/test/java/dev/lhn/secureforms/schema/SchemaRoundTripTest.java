package dev.lhn.secureforms.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lhn.secureforms.retention.RetentionPolicy;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue #9, defect 5: {@code toJson} and {@code fromJson} are exact inverses on every schema the builders
 * can make, including edge durations (1 ms, 366 days) and edge number bounds (30 integer, 9 fraction digits).
 * A {@code *Test} class so that Surefire runs it; jqwik's engine runs the properties.
 */
class SchemaRoundTripTest {

  @Property(tries = 300)
  void fromJson_toJson_isTheIdentity(@ForAll("schemas") FormSchema s) {
    String json = s.toJson();
    FormSchema back = FormSchema.fromJson(json);
    assertEquals(s, back);
    assertEquals(json, back.toJson());
  }

  @Provide
  Arbitrary<FormSchema> schemas() {
    return anySchema();
  }

  /** Every schema the builders can make, within the generator's reach; {@code FormSchemaJsonSchemaTest} uses it too. */
  static Arbitrary<FormSchema> anySchema() {
    Arbitrary<List<Field>> fields = field().list().ofMinSize(1).ofMaxSize(6).uniqueElements(Field::name);
    return Combinators.combine(fields, revealPolicy(), formRetention(), text()).as((fs, reveal, retention, title) -> {
      FormSchema.Builder b = FormSchema.builder("f").title(title).revealPolicy(reveal).retention(retention);
      fs.forEach(b::field);
      return b.build();
    });
  }

  private static Arbitrary<Duration> millis(long min, long max) {
    return Arbitraries.oneOf(Arbitraries.longs().between(min, max), Arbitraries.of(min, max)).map(Duration::ofMillis);
  }

  private static final long MAX_MS = RetentionPolicy.LONGEST_MAX_AGE.toMillis();

  private static Arbitrary<RevealPolicy> revealPolicy() {
    return Combinators.combine(Arbitraries.integers().between(1, RevealPolicy.MAX_VIEWS),
        millis(1, MAX_MS).injectNull(0.3)).as(RevealPolicy::new);
  }

  private static Arbitrary<RetentionPolicy> formRetention() {
    return Combinators.combine(millis(1, MAX_MS), millis(0, MAX_MS).injectNull(0.5)).as(RetentionPolicy::new);
  }

  private static Arbitrary<RetentionPolicy> fieldRetention() {
    return Combinators.combine(millis(1, MAX_MS).injectNull(0.5), millis(0, MAX_MS).injectNull(0.5))
        .as(RetentionPolicy::new);
  }

  private static Arbitrary<String> text() {
    // letters from several scripts, spaces inside, and characters outside the BMP
    return Arbitraries.strings().withChars("abcXYZ éü✓ж漢").withChars("\uD83D\uDE00".toCharArray()).ofMinLength(1)
        .ofMaxLength(30).map(String::strip).filter(s -> !s.isEmpty() && TextSafety.displayProblem(s, "t") == null);
  }

  private static Arbitrary<BigDecimal> bound() {
    return Combinators.combine(Arbitraries.bigIntegers().between(
            new java.math.BigInteger("-" + "9".repeat(30)), new java.math.BigInteger("9".repeat(30))),
        Arbitraries.integers().between(0, 9)).as(BigDecimal::new)
        .filter(d -> d.precision() - d.scale() <= 30).injectNull(0.3);
  }

  private static Arbitrary<Field> field() {
    Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    Arbitrary<FieldType> types = Arbitraries.of(FieldType.class);
    return Combinators.combine(names, types, text().injectNull(0.5), Arbitraries.of(true, false),
        fieldRetention(), Combinators.combine(bound(), bound()).as((a, c) -> new BigDecimal[] {a, c}),
        Arbitraries.of(Masking.class), Arbitraries.of(Classification.class))
        .as((name, type, label, required, retention, bounds, masking, classification) -> {
          BigDecimal lo = bounds[0];
          BigDecimal hi = bounds[1];
          Field.Builder b = Field.builder(name, type).required(required).retention(retention);
          if (label != null) {
            b.label(label);
          }
          if (type.allowedClassifications().contains(classification)) {
            b.classification(classification);
          }
          boolean none = classification == Classification.NONE && type.allowedClassifications().contains(classification);
          if (type.allowedMaskings().contains(masking) && (masking != Masking.UNMASKED || none)) {
            b.masking(masking);
          }
          if (type == FieldType.NUMBER && (lo != null || hi != null)) {
            b.range(lo == null || hi == null || lo.compareTo(hi) <= 0 ? lo : hi, lo == null || hi == null || lo.compareTo(hi) <= 0 ? hi : lo);
          }
          if (type == FieldType.CHOICE) {
            b.options("one", "two ✓", "\uD83D\uDE00");
          }
          if (type == FieldType.MULTILINE) {
            b.maxLength(16_384);
          }
          return b.build();
        });
  }
}

package dev.lhn.secureforms.bench;

import dev.lhn.secureforms.text.SensitiveText;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scanning one chat message of about 200 characters (#14): {@link SensitiveText#scan} against the
 * baseline a help desk would write, {@code java.util.regex} for 13 to 19 digits with spaces or dashes
 * between them, plus Luhn on each match. {@code message=clean} has digits (an order number, a time, a
 * price) but nothing sensitive; {@code message=card} has a card number and an expiry. Run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} of {@code lhn} on the clean message is the "allocation-free
 * when nothing is found" figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
public class TextBenchmark {
  /** The baseline: 13 to 19 digits, each but the last optionally followed by a space or a dash. */
  static final Pattern BASELINE = Pattern.compile("(?<!\\d)(?:\\d[ -]?){12,18}\\d(?!\\d)");

  @Param({"clean", "card"})
  public String message;

  String text;
  final SensitiveText detector = SensitiveText.defaults();

  @org.openjdk.jmh.annotations.Setup
  public void setup() {
    text = switch (message) {
      case "clean" -> "Hi! I ordered the blue jacket on 12/03 (order 558213) and it still has not arrived. "
          + "The tracking page said 2 days at 10:30 and I paid $129.99 plus 7.50 shipping. Can you check it please? thx";
      case "card" -> "Hi! I ordered the blue jacket on 12/03 and it still has not arrived. Can you charge "
          + "my other card instead, it is 4111 1111 1111 1111 exp 09/27, and refund the first one please? thank you!!";
      default -> throw new IllegalArgumentException(message);
    };
    if (text.length() < 180 || text.length() > 220) {
      throw new IllegalStateException("message length " + text.length());
    }
  }

  @Benchmark
  public List<SensitiveText.Finding> lhn() {
    return detector.scan(text);
  }

  @Benchmark
  public List<int[]> baselineRegexLuhn() {
    List<int[]> out = null;
    Matcher m = BASELINE.matcher(text);
    while (m.find()) {
      if (luhn(text, m.start(), m.end())) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(new int[] {m.start(), m.end()});
      }
    }
    return out == null ? List.of() : out;
  }

  static boolean luhn(CharSequence s, int from, int to) {
    int sum = 0;
    int pos = 0;
    for (int i = to - 1; i >= from; i--) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int v = c - '0';
      if ((pos++ & 1) == 1) {
        v = v * 2 > 9 ? v * 2 - 9 : v * 2;
      }
      sum += v;
    }
    return sum % 10 == 0;
  }
}

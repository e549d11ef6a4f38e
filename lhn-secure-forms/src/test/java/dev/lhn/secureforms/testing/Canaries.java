package dev.lhn.secureforms.testing;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds canary values in observed text (log lines, stack traces, {@code toString}, events, JSON), plain
 * or as the lower/upper-case hex or the standard/URL-safe base64 of their UTF-8 bytes, without firing on
 * hashes, ids, keys or ciphertexts that contain the same characters by chance.
 *
 * <p><b>The argument.</b> Everything random the library prints is a <em>token</em>: a run of characters
 * from {@code [A-Za-z0-9+/_-]}, the union of the hex, decimal, base64 and base64url alphabets (a SHA-256
 * hex of the audit chain is one 64-character token, a submission id one 22-character token, a wrapped key
 * one long base64 token; {@code =} only pads the end of a base64 token, so it bounds one). For a form
 * {@code f} of a canary there are two cases:
 * <ul>
 *   <li>{@code f} has at least {@value #DISTINCTIVE_LENGTH} characters: it is searched as a plain
 *       substring. A random token over an alphabet of at least 16 symbols contains it at a given position
 *       with probability at most 16<sup>-16</sup> = 2<sup>-64</sup>, so a chance match never happens.</li>
 *   <li>{@code f} is shorter (a 3-digit card code, its 6-character hex {@code 373331}, its 4-character
 *       base64 {@code NzMx}): a random 64-character hex contains a given 4-digit string about once in 1,100
 *       hashes, and one lifecycle prints dozens (the flake of #9), so {@code f} is matched only as a <em>whole token</em>, with no token
 *       character on either side. Random tokens are 16 characters or longer and never equal it; every way
 *       a value actually leaks ({@code cvc=731}, {@code "731"}, {@code cvc: 731}, {@code [731]}, a JSON
 *       string, a message quoting the value, the hex or base64 of the value alone) bounds it with a
 *       non-token character.</li>
 * </ul>
 * What the whole-token rule gives up: a short value glued to an identifier character ({@code cvc_731})
 * and a short value's hex inside a longer hex dump. Neither is how values leak here, and a dump of a
 * submission's plaintext would carry the long canaries (name, card number, e-mail) too, which are
 * searched unbounded. A short value's base64 inside a longer base64 depends on its alignment and was
 * never recognisable anyway. {@code CanariesTest} proves both directions.
 */
public final class Canaries {
  /** Forms at least this long are searched as plain substrings; shorter ones as whole tokens. */
  public static final int DISTINCTIVE_LENGTH = 16;
  private static final String TOKEN_CHAR = "[A-Za-z0-9+/_-]";

  private final Map<String, List<Pattern>> patterns = new LinkedHashMap<>();

  /** Canary values by label (the label says which value leaked; it is not searched). */
  public Canaries(Map<String, String> canaries) {
    requireNonNull(canaries, "canaries");
    canaries.forEach((label, value) -> {
      List<Pattern> list = new ArrayList<>();
      for (String f : forms(value)) {
        list.add(f.length() >= DISTINCTIVE_LENGTH
            ? Pattern.compile(Pattern.quote(f))
            : Pattern.compile("(?<!" + TOKEN_CHAR + ")" + Pattern.quote(f) + "(?!" + TOKEN_CHAR + ")"));
      }
      patterns.put(label, list);
    });
  }

  /** Each leak in {@code text}, as {@code label (form)}; empty if none. */
  public List<String> leaksIn(String text) {
    List<String> leaks = new ArrayList<>();
    patterns.forEach((label, list) -> {
      for (Pattern p : list) {
        Matcher m = p.matcher(text);
        if (m.find()) {
          leaks.add(label + " (" + m.group() + ")");
        }
      }
    });
    return leaks;
  }

  /** The forms a leaked value could take: plain, hex and base64 of its UTF-8 (base64 without padding). */
  static Set<String> forms(String canary) {
    byte[] b = canary.getBytes(StandardCharsets.UTF_8);
    Set<String> forms = new LinkedHashSet<>();
    forms.add(canary);
    forms.add(HexFormat.of().formatHex(b));
    forms.add(HexFormat.of().withUpperCase().formatHex(b));
    forms.add(Base64.getEncoder().withoutPadding().encodeToString(b));
    forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    return forms;
  }
}

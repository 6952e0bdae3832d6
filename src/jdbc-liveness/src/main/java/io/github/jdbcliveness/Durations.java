package io.github.jdbcliveness;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of jdbc-liveness: what the properties file ({@code liveness.*}), the command line
 * ({@code --budget 6s}) and the drill kit ({@code @LivenessDrill(budget = "6s")}) accept, and how reports and error
 * messages write a duration back.
 *
 * <p>A duration is a whole number with a unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}
 * ({@code 500ms}, {@code 6s}, {@code 2m}), or ISO-8601 ({@code PT6S}). A bare number is refused: HikariCP reads a
 * bare number in its own settings as milliseconds, and a budget of {@code 6} must not silently mean 6 ms. (Spring
 * Boot binds {@code jdbc-liveness.*} itself, with Boot's own duration rules; see the starter's documentation.)
 */
public final class Durations {

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+)(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
    private static final Pattern BARE_NUMBER = Pattern.compile("[+-]?\\d+(\\.\\d*)?");

    private Durations() {
    }

    /**
     * Parses {@code text} in the grammar above; surrounding blanks are ignored.
     *
     * @throws IllegalArgumentException naming what was wrong and showing a valid form; the caller adds which setting
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("needs a duration such as 500ms, 6s or 2m");
        }
        String v = text.strip();
        Matcher m = WITH_UNIT.matcher(v);
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException("is too large for a duration", e);
            }
        }
        if (BARE_NUMBER.matcher(v).matches()) {
            throw new IllegalArgumentException("needs a unit, for example " + v + "ms or " + v + "s: HikariCP reads a "
                    + "bare number in its own settings as milliseconds, jdbc-liveness durations take a unit (ms, s, "
                    + "m, h, d) or ISO-8601 (PT6S)");
        }
        try {
            return Duration.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("is not a duration: write it as 500ms, 6s, 2m, 1h, 1d or in ISO-8601 "
                    + "(PT6S)", e);
        }
    }

    /** Writes {@code d} the way reports and error messages speak: {@code 6s}, {@code 1.5s}, {@code 250ms}. */
    public static String format(Duration d) {
        if (d == null) {
            return "null";
        }
        if (d.isNegative()) {
            return d.getSeconds() == Long.MIN_VALUE ? d.toString() : "-" + format(d.negated());
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            long nanos = d.toNanos();
            return nanos % 1_000_000 == 0 ? (nanos / 1_000_000) + "ms" : nanos + "ns";
        }
        BigDecimal seconds = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
        return seconds.stripTrailingZeros().toPlainString() + "s";
    }
}

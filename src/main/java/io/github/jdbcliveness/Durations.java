package io.github.jdbcliveness;

import java.math.BigDecimal;
import java.time.Duration;

/** Formats durations the way our error messages and reports speak: {@code 6s}, {@code 1.5s}, {@code 250ms}. */
final class Durations {

    private Durations() {
    }

    static String format(Duration d) {
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

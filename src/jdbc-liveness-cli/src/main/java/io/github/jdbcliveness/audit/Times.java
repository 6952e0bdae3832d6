package io.github.jdbcliveness.audit;

import java.time.Duration;
import java.util.Locale;

/** Durations the way the audit table speaks: {@code 850 ms}, {@code 5.5 s}, {@code 2 min 5 s}, {@code 2 h 11 min}. */
final class Times {

    private Times() {
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return (ms % 1000 == 0 ? String.valueOf(ms / 1000)
                    : String.format(Locale.ROOT, "%.1f", ms / 1000.0)) + " s";
        }
        long s = d.getSeconds();
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
    }
}

package io.github.jdbcliveness.soak;

import java.time.Duration;
import java.util.Locale;

/** Durations as a soak prints them: {@code 4.2 s}. */
final class Seconds {

    private Seconds() {
    }

    static String of(Duration d) {
        return of(d.toNanos());
    }

    static String of(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}

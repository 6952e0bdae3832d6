package io.github.jdbcliveness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void format_speaksSecondsAndMilliseconds() {
        assertEquals("6s", Durations.format(Duration.ofSeconds(6)));
        assertEquals("1.5s", Durations.format(Duration.ofMillis(1500)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
        assertEquals("0ms", Durations.format(Duration.ZERO));
        assertEquals("15ns", Durations.format(Duration.ofNanos(15)));
        assertEquals("-2s", Durations.format(Duration.ofSeconds(-2)));
        assertEquals(Duration.ofSeconds(Long.MIN_VALUE).toString(), Durations.format(Duration.ofSeconds(Long.MIN_VALUE)));
    }
}

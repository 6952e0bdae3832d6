package io.github.jdbcliveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void parse_takesTheUnitInAnyCase_asTheCliDidBefore() {
        assertEquals(Duration.ofSeconds(6), Durations.parse("6S"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500MS"));
        assertEquals(Duration.ofHours(2), Durations.parse("2H"));
    }

    @Test
    void parse_takesAWholeNumberWithAUnit_orIso8601() {
        assertEquals(Duration.ofSeconds(6), Durations.parse("6s"));
        assertEquals(Duration.ofMillis(500), Durations.parse(" 500ms "));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
    }

    @Test
    void parse_refusesABareNumber_sayingWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("6"));
        assertTrue(e.getMessage().startsWith("needs a unit, for example 6ms or 6s"), e.getMessage());
    }

    @Test
    void parse_refusesWhatIsNotADuration() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("six")).getMessage()
                .startsWith("is not a duration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse(null)).getMessage()
                .startsWith("needs a duration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse(" ")).getMessage()
                .startsWith("is not a duration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("99999999999999999999s"))
                .getMessage().startsWith("is too large"));
    }
}

package io.github.jdbcliveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KeepaliveSettingsTest {

    @ParameterizedTest(name = "B={0}s -> idle {1}s, interval {2}s")
    @CsvSource({"4,1,1", "5,1,1", "6,2,1", "9,3,1", "10,3,1", "18,6,2", "30,10,3", "90,30,10", "350,116,38",
            "86400,28800,9600"})
    void forBudget_derivesIdleThirdIntervalNinthCountThree(long budget, long idle, long interval) {
        KeepaliveSettings k = KeepaliveSettings.forBudget(Duration.ofSeconds(budget));
        assertEquals(Duration.ofSeconds(idle), k.idle());
        assertEquals(Duration.ofSeconds(interval), k.interval());
        assertEquals(3, k.count());
        assertTrue(k.detectionTime().compareTo(Duration.ofSeconds(budget)) <= 0,
                "idle + count x interval must fit the budget: " + k);
    }

    @Test
    void forBudget_roundsFractionalBudgetsDown() {
        KeepaliveSettings k = KeepaliveSettings.forBudget(Duration.ofMillis(6_900));
        assertEquals(Duration.ofSeconds(2), k.idle());
        assertEquals(Duration.ofSeconds(1), k.interval());
    }

    @Test
    void forBudget_belowFourSeconds_isRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> KeepaliveSettings.forBudget(Duration.ofMillis(3500)));
        assertEquals("detectionBudget (3.5s) must be at least 4s: TCP keepalive needs idle 1s + 3 probes 1s apart",
                e.getMessage());
    }

    @Test
    void forBudget_whoseIdleExceedsTheKernelBound_isRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> KeepaliveSettings.forBudget(Duration.ofSeconds(3L * 40_000)));
        assertEquals("detectionBudget (120000s) derives keepaliveIdle 40000s, above the kernel's bound of 32767s; "
                + "set keepalive explicitly", e.getMessage());
    }

    @Test
    void of_keepsExplicitValues() {
        KeepaliveSettings k = KeepaliveSettings.of(Duration.ofSeconds(60), Duration.ofSeconds(5), 4);
        assertEquals(60, k.idleSeconds());
        assertEquals(5, k.intervalSeconds());
        assertEquals(4, k.count());
        assertEquals(Duration.ofSeconds(80), k.detectionTime());
        assertEquals("idle 60s, interval 5s, count 4 (dead after 80s)", k.toString());
    }

    @Test
    void of_idleBelowOneSecond_namesSettingAndValue() {
        assertMessage("keepaliveIdle (500ms) must be at least 1s",
                () -> KeepaliveSettings.of(Duration.ofMillis(500), Duration.ofSeconds(1), 3));
    }

    @Test
    void of_intervalBelowOneSecond_namesSettingAndValue() {
        assertMessage("keepaliveInterval (0ms) must be at least 1s",
                () -> KeepaliveSettings.of(Duration.ofSeconds(1), Duration.ZERO, 3));
    }

    @Test
    void of_negativeIdle_namesSettingAndValue() {
        assertMessage("keepaliveIdle (-2s) must be at least 1s",
                () -> KeepaliveSettings.of(Duration.ofSeconds(-2), Duration.ofSeconds(1), 3));
    }

    @Test
    void of_fractionalSeconds_areRefusedBecauseTheKernelCountsSeconds() {
        assertMessage("keepaliveIdle (1.5s) must be a whole number of seconds: the kernel counts TCP_KEEPIDLE in seconds",
                () -> KeepaliveSettings.of(Duration.ofMillis(1500), Duration.ofSeconds(1), 3));
        assertMessage("keepaliveInterval (2.25s) must be a whole number of seconds: the kernel counts TCP_KEEPINTVL "
                + "in seconds", () -> KeepaliveSettings.of(Duration.ofSeconds(1), Duration.ofMillis(2250), 3));
    }

    @Test
    void of_aboveKernelBound_isRefused() {
        assertMessage("keepaliveIdle (32768s) must be at most 32767s (the kernel's bound for TCP_KEEPIDLE)",
                () -> KeepaliveSettings.of(Duration.ofSeconds(32768), Duration.ofSeconds(1), 3));
        assertMessage("keepaliveInterval (40000s) must be at most 32767s (the kernel's bound for TCP_KEEPINTVL)",
                () -> KeepaliveSettings.of(Duration.ofSeconds(1), Duration.ofSeconds(40000), 3));
    }

    @Test
    void of_countOutsideOneTo127_isRefused() {
        assertMessage("keepaliveCount (0) must be between 1 and 127 (the kernel's bounds for TCP_KEEPCNT)",
                () -> KeepaliveSettings.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 0));
        assertMessage("keepaliveCount (128) must be between 1 and 127 (the kernel's bounds for TCP_KEEPCNT)",
                () -> KeepaliveSettings.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 128));
    }

    @Test
    void of_nullIdle_namesTheSetting() {
        var e = assertThrows(NullPointerException.class,
                () -> KeepaliveSettings.of(null, Duration.ofSeconds(1), 3));
        assertEquals("keepaliveIdle", e.getMessage());
    }

    @Test
    void equalSettings_areEqual() {
        assertEquals(KeepaliveSettings.forBudget(Duration.ofSeconds(6)),
                KeepaliveSettings.of(Duration.ofSeconds(2), Duration.ofSeconds(1), 3));
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}

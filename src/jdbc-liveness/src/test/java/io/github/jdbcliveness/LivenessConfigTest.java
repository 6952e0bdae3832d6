package io.github.jdbcliveness;

import static io.github.jdbcliveness.KeepaliveSettingsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LivenessConfigTest {

    @Test
    void defaults_budgetThirtySeconds_derivesKeepalive() {
        LivenessConfig c = LivenessConfig.defaults();
        assertEquals(Duration.ofSeconds(30), c.detectionBudget());
        assertEquals(KeepaliveSettings.of(Duration.ofSeconds(10), Duration.ofSeconds(3), 3), c.keepalive());
        assertTrue(c.middleboxIdleTimeout().isEmpty());
    }

    @Test
    void budget_derivesKeepalive() {
        LivenessConfig c = LivenessConfig.builder().detectionBudget(Duration.ofSeconds(6)).build();
        assertEquals(KeepaliveSettings.of(Duration.ofSeconds(2), Duration.ofSeconds(1), 3), c.keepalive());
    }

    @Test
    void explicitKeepalive_overridesTheDerivedOne() {
        LivenessConfig c = LivenessConfig.builder().detectionBudget(Duration.ofSeconds(60))
                .keepalive(Duration.ofSeconds(20), Duration.ofSeconds(5), 6).build();
        assertEquals(KeepaliveSettings.of(Duration.ofSeconds(20), Duration.ofSeconds(5), 6), c.keepalive());
    }

    @Test
    void budget_outsideBounds_namesSettingValueAndBounds() {
        assertMessage("detectionBudget (3s) must be between 4s and 86400s",
                () -> LivenessConfig.builder().detectionBudget(Duration.ofSeconds(3)).build());
        assertMessage("detectionBudget (90000s) must be between 4s and 86400s",
                () -> LivenessConfig.builder().detectionBudget(Duration.ofSeconds(90000)).build());
    }

    @Test
    void keepalive_longerThanBudget_namesAllFourValues() {
        assertMessage("keepaliveIdle (10s) + keepaliveCount (3) × keepaliveInterval (5s) = 25s must be within "
                + "detectionBudget (20s)", () -> LivenessConfig.builder().detectionBudget(Duration.ofSeconds(20))
                        .keepalive(Duration.ofSeconds(10), Duration.ofSeconds(5), 3).build());
    }

    @Test
    void keepaliveIdle_notBelowMiddleboxTimeout_isRefused() {
        assertMessage("keepaliveIdle (300s) must be below middleboxIdleTimeout (240s): the middlebox would forget "
                + "the flow before the first probe", () -> LivenessConfig.builder()
                        .detectionBudget(Duration.ofSeconds(900)).heartbeatInterval(Duration.ofSeconds(100))
                        .keepalive(Duration.ofSeconds(300), Duration.ofSeconds(10), 3)
                        .middleboxIdleTimeout(Duration.ofSeconds(240)).build());
    }

    @Test
    void derivedKeepalive_belowMiddleboxTimeout_isAccepted() {
        LivenessConfig c = LivenessConfig.builder().detectionBudget(Duration.ofSeconds(600))
                .middleboxIdleTimeout(Duration.ofSeconds(350)).build();
        assertEquals(Duration.ofSeconds(200), c.keepalive().idle());
        assertEquals(Duration.ofSeconds(350), c.middleboxIdleTimeout().orElseThrow());
    }

    @Test
    void heartbeatAndProbeTimeout_deriveFromTheBudget() {
        LivenessConfig six = LivenessConfig.builder().detectionBudget(Duration.ofSeconds(6)).build();
        assertEquals(Duration.ofSeconds(2), six.heartbeatInterval());
        assertEquals(Duration.ofSeconds(1), six.probeTimeout());
        assertEquals(Duration.ofSeconds(2), six.connectTimeout());
        LivenessConfig big = LivenessConfig.builder().detectionBudget(Duration.ofMinutes(5)).build();
        assertEquals(Duration.ofSeconds(100), big.heartbeatInterval());
        assertEquals(Duration.ofSeconds(5), big.probeTimeout(), "capped at 5 s");
        assertEquals(Duration.ofSeconds(10), big.connectTimeout(), "capped at 10 s");
        LivenessConfig small = LivenessConfig.builder().detectionBudget(Duration.ofMillis(4500)).build();
        assertEquals(Duration.ofMillis(750), small.probeTimeout());
        assertEquals(Duration.ofSeconds(1), small.connectTimeout(), "1.5 s rounded down to whole seconds");
        assertTrue(small.validationQuery().isEmpty());
        assertTrue(small.keepaliveEnabled());
    }

    /** B = 4 s once derived a 2 s connectTimeout, which put the host verdict at 4.33 s: past the budget. */
    @Test
    void everyBudget_derivesSettingsWhoseWorstCasesFitIt() {
        for (long ms = 4000; ms <= 120_000; ms += 250) {
            Duration b = Duration.ofMillis(ms);
            WorstCases w = LivenessConfig.builder().detectionBudget(b).build().worstCases();
            for (Duration path : new Duration[] {w.heartbeat(), w.watchdog(), w.hostVerdict()}) {
                assertTrue(path.compareTo(b) <= 0, "B = " + b + ": " + w);
            }
        }
        assertEquals(Duration.ofMillis(3333), LivenessConfig.builder().detectionBudget(Duration.ofSeconds(4)).build()
                .worstCases().hostVerdict().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    /** Measured before: B = 6 s with connectTimeout 10 s built, and a request to a hung server ended after 13.5 s. */
    @Test
    void hostVerdict_beyondTheBudget_namesEverySetting() {
        assertMessage("heartbeatInterval (2s) + 2 × watchdogInterval (500ms) + connectTimeout (10s) + the verdict's "
                + "grace (500ms) = 13.5s must be within detectionBudget (6s): a request waiting on a hung or "
                + "unreachable host ends only once a new connection has failed to get an answer within connectTimeout",
                () -> LivenessConfig.builder()
                        .detectionBudget(Duration.ofSeconds(6)).connectTimeout(Duration.ofSeconds(10)).build());
        LivenessConfig noWatchdog = LivenessConfig.builder().detectionBudget(Duration.ofSeconds(6))
                .connectTimeout(Duration.ofSeconds(10)).watchdogEnabled(false).build();
        assertEquals(Duration.ofSeconds(10), noWatchdog.connectTimeout(), "no in-flight verdict without the watchdog");
    }

    @Test
    void heartbeatInterval_belowTenMillis_isRefused() {
        assertMessage("heartbeatInterval (5ms) must be at least 10ms",
                () -> LivenessConfig.builder().heartbeatInterval(Duration.ofMillis(5)).build());
    }

    @Test
    void probeTimeout_outsideBounds_isRefused() {
        assertMessage("probeTimeout (10ms) must be between 50ms and 60s",
                () -> LivenessConfig.builder().probeTimeout(Duration.ofMillis(10)).build());
        assertMessage("probeTimeout (61s) must be between 50ms and 60s",
                () -> LivenessConfig.builder().probeTimeout(Duration.ofSeconds(61)).build());
    }

    @Test
    void connectTimeout_outsideBoundsOrFractional_isRefused() {
        assertMessage("connectTimeout (500ms) must be a whole number of seconds between 1s and 600s",
                () -> LivenessConfig.builder().connectTimeout(Duration.ofMillis(500)).build());
        assertMessage("connectTimeout (1.5s) must be a whole number of seconds between 1s and 600s",
                () -> LivenessConfig.builder().connectTimeout(Duration.ofMillis(1500)).build());
    }

    @Test
    void heartbeatPlusProbeTimeout_beyondBudget_namesAllThree() {
        assertMessage("heartbeatInterval (5s) + probeTimeout (2s) must be within detectionBudget (6s): a connection "
                + "that dies right after a probe is found by the next one", () -> LivenessConfig.builder()
                        .detectionBudget(Duration.ofSeconds(6)).heartbeatInterval(Duration.ofSeconds(5))
                        .probeTimeout(Duration.ofSeconds(2)).build());
    }

    @Test
    void heartbeatInterval_notBelowMiddleboxTimeout_isRefused() {
        assertMessage("heartbeatInterval (300s) must be below middleboxIdleTimeout (240s): the middlebox would "
                + "forget an idle flow between two probes", () -> LivenessConfig.builder()
                        .detectionBudget(Duration.ofSeconds(900)).heartbeatInterval(Duration.ofSeconds(300))
                        .keepalive(Duration.ofSeconds(100), Duration.ofSeconds(10), 3)
                        .middleboxIdleTimeout(Duration.ofSeconds(240)).build());
    }

    @Test
    void blankValidationQuery_isRefused() {
        assertMessage("validationQuery (\" \") must not be blank; leave it unset to probe with isValid",
                () -> LivenessConfig.builder().validationQuery(" ").build());
    }

    @Test
    void defaults_turnKeepaliveAndWatchdogOn_butRequireNeither_soAnyDriverStarts() {
        LivenessConfig c = LivenessConfig.builder().detectionBudget(Duration.ofSeconds(6)).build();
        assertTrue(c.keepaliveEnabled() && c.watchdogEnabled());
        assertFalse(c.keepaliveRequired(), "keepalive by default is no demand");
        assertFalse(c.watchdogRequired(), "the watchdog by default is no demand");
    }

    @Test
    void onlyAnExplicitSwitch_requiresItsLayer_valuesAloneDoNot_andSwitchingOffRequiresNothing() {
        assertTrue(LivenessConfig.builder().keepaliveEnabled(true).build().keepaliveRequired());
        assertTrue(LivenessConfig.builder().watchdogEnabled(true).build().watchdogRequired());
        assertFalse(LivenessConfig.builder().keepalive(Duration.ofSeconds(5), Duration.ofSeconds(2), 3).build()
                .keepaliveRequired(), "a production config's keepalive values must not stop an H2 test profile");
        assertFalse(LivenessConfig.builder().watchdogInterval(Duration.ofSeconds(1)).build().watchdogRequired());
        LivenessConfig off = LivenessConfig.builder().keepalive(Duration.ofSeconds(5), Duration.ofSeconds(2), 3)
                .keepaliveEnabled(false).watchdogInterval(Duration.ofSeconds(1)).watchdogEnabled(false).build();
        assertFalse(off.keepaliveEnabled() || off.keepaliveRequired() || off.watchdogEnabled()
                || off.watchdogRequired(), off.toString());
        assertFalse(LivenessConfig.builder().validateOnBorrow(true).build().keepaliveRequired());
    }

    @Test
    void keepaliveDisabled_skipsKeepaliveChecks() {
        LivenessConfig c = LivenessConfig.builder().detectionBudget(Duration.ofSeconds(20))
                .keepalive(Duration.ofSeconds(60), Duration.ofSeconds(10), 3).keepaliveEnabled(false).build();
        assertEquals(false, c.keepaliveEnabled());
    }

    @Test
    void watchdog_derivesFromTheBudget() {
        LivenessConfig six = LivenessConfig.builder().detectionBudget(Duration.ofSeconds(6)).build();
        assertEquals(Duration.ofMillis(500), six.watchdogInterval());
        assertEquals(Duration.ofSeconds(1), six.unacknowledgedTimeout());
        assertTrue(six.watchdogEnabled());
        assertEquals(false, six.validateOnBorrow());
        LivenessConfig four = LivenessConfig.builder().detectionBudget(Duration.ofMillis(4000)).build();
        assertEquals(Duration.ofMillis(333), four.watchdogInterval().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    @Test
    void watchdogSettings_outsideBounds_areRefused() {
        assertMessage("watchdogInterval (10ms) must be at least 50ms",
                () -> LivenessConfig.builder().watchdogInterval(Duration.ofMillis(10)).build());
        assertMessage("unacknowledgedTimeout (100ms) must be at least 200ms: shorter than a few retransmissions on a "
                + "healthy path", () -> LivenessConfig.builder().unacknowledgedTimeout(Duration.ofMillis(100)).build());
    }

    @Test
    void watchdog_beyondTheBudget_namesBothSettings() {
        assertMessage("2 × watchdogInterval (2s) + unacknowledgedTimeout (3s) = 7s must be within detectionBudget (6s): "
                + "a request stuck in a dead path is found after one interval, confirmed after the timeout, and "
                + "aborted at the next look", () -> LivenessConfig.builder().detectionBudget(Duration.ofSeconds(6))
                        .watchdogInterval(Duration.ofSeconds(2)).unacknowledgedTimeout(Duration.ofSeconds(3)).build());
    }

    @Test
    void middleboxTimeout_tooShort_isRefused() {
        assertMessage("middleboxIdleTimeout (1s) must be at least 2s", () -> LivenessConfig.builder()
                .middleboxIdleTimeout(Duration.ofSeconds(1)).build());
    }
}

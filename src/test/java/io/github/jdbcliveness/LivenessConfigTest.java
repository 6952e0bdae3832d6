package io.github.jdbcliveness;

import static io.github.jdbcliveness.KeepaliveSettingsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
                        .detectionBudget(Duration.ofSeconds(900))
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
    void middleboxTimeout_tooShort_isRefused() {
        assertMessage("middleboxIdleTimeout (1s) must be at least 2s", () -> LivenessConfig.builder()
                .middleboxIdleTimeout(Duration.ofSeconds(1)).build());
    }
}

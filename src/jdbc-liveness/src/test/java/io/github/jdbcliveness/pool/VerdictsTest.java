package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.EvictionReason;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The death policy on its own: which failures sweep the host, and how a probe's failure reads in the event. What a
 * dead connection does to a running pool (aborted, evicted, refilled) is {@link PoolBindingTest}'s.
 */
class VerdictsTest {

    @Test
    void sweepsHost_afterAnyEvidenceOtherThanAProbe() {
        assertTrue(Verdicts.sweepsHost(EvictionReason.CLOSED_BY_SERVER, null));
        assertTrue(Verdicts.sweepsHost(EvictionReason.UNACKNOWLEDGED_DATA, null));
        assertTrue(Verdicts.sweepsHost(EvictionReason.HOST_DOWN, null));
    }

    @Test
    void sweepsHost_notAfterAProbeTimeout_whichTheHeartbeatSweepsAfterItself() {
        assertFalse(Verdicts.sweepsHost(EvictionReason.PROBE_TIMEOUT, null));
        assertFalse(Verdicts.sweepsHost(EvictionReason.PROBE_TIMEOUT, new SQLException("gone", "08006")));
    }

    @Test
    void sweepsHost_afterAFailedProbe_onlyForAConnectionError_foundAnywhereInTheCauses() {
        assertTrue(Verdicts.sweepsHost(EvictionReason.PROBE_FAILED, new SQLException("reset", "08006")));
        assertTrue(Verdicts.sweepsHost(EvictionReason.PROBE_FAILED,
                new RuntimeException("wrapped", new SQLException("reset", "08S01"))));
        assertFalse(Verdicts.sweepsHost(EvictionReason.PROBE_FAILED, new SQLException("syntax", "42601")));
        assertFalse(Verdicts.sweepsHost(EvictionReason.PROBE_FAILED, new SQLException("no state")));
        assertFalse(Verdicts.sweepsHost(EvictionReason.PROBE_FAILED, null)); // isValid said false
    }

    @Test
    void describe_namesTheTimeout_theDriversNo_orTheFirstLineOfTheFailure() {
        Duration timeout = Duration.ofMillis(1500);
        long took = TimeUnit.MILLISECONDS.toNanos(42);
        assertEquals("probe timeout (no answer within 1500 ms)",
                Verdicts.describe(EvictionReason.PROBE_TIMEOUT, null, took, timeout));
        assertEquals("probe failed (the driver says the connection is not valid)",
                Verdicts.describe(EvictionReason.PROBE_FAILED, null, took, timeout));
        assertEquals("probe failed after 42 ms: FATAL: terminating connection",
                Verdicts.describe(EvictionReason.PROBE_FAILED,
                        new SQLException("FATAL: terminating connection\n  Where: backend"), took, timeout));
        assertEquals("probe failed after 42 ms: SocketTimeoutException",
                Verdicts.describe(EvictionReason.PROBE_FAILED, new java.net.SocketTimeoutException(), took, timeout));
    }
}

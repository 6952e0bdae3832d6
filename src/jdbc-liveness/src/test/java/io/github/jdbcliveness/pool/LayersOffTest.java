package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.LivenessStats.Layer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one line a pool says at start about the layers it runs without: one clause per reason, none when all run. */
class LayersOffTest {

    @Test
    void oneReasonForAllThree_isOneClause() {
        Map<Layer, String> off = Map.of(Layer.KEEPALIVE, "no socket", Layer.WATCHDOG, "no socket",
                Layer.BORROW_CHECK, "no socket");
        assertEquals("orders - running without TCP keepalive, the in-flight watchdog, the borrow-time socket check: "
                + "no socket. Heartbeats, eviction and the host verdict run as usual", LayersOff.logLine("orders", off));
        assertTrue(LayersOff.driverBound(off));
    }

    @Test
    void differentReasons_areClausesInLayerOrder_andAChoiceIsNotTheDriversFault() {
        Map<Layer, String> off = Map.of(Layer.WATCHDOG, "/proc/net/tcp is not readable here (Linux only)",
                Layer.KEEPALIVE, "keepaliveEnabled false");
        assertEquals("orders - running without TCP keepalive: keepaliveEnabled false; the in-flight watchdog: "
                + "/proc/net/tcp is not readable here (Linux only). Heartbeats, eviction and the host verdict run as "
                + "usual", LayersOff.logLine("orders", off));
        assertFalse(LayersOff.driverBound(off));
    }

    @Test
    void everyLayerRunning_saysNothing() {
        assertNull(LayersOff.logLine("orders", Map.of()));
    }
}

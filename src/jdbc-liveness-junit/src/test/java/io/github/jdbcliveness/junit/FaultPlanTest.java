package io.github.jdbcliveness.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.drill.DatabaseTargets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which layer makes which fault, and the reasons given when it cannot run: pure logic, no server needed. */
class FaultPlanTest {

    /** A server nobody runs, off this machine: no process, kernel or container layer can reach it. */
    private static final DrillTarget REMOTE = new DrillTarget(
            DatabaseTargets.external("jdbc:postgresql://db.example.invalid:5432/app", "app", null), "postgresql");

    @Test
    void layers_mostRealFirst_theRelayLast() {
        assertEquals(List.of(FaultLayer.CONTAINER, FaultLayer.PROCESS, FaultLayer.RELAY),
                FaultPlan.layers(FaultKind.HUNG_SERVER));
        assertEquals(List.of(FaultLayer.KERNEL, FaultLayer.CONTAINER, FaultLayer.RELAY),
                FaultPlan.layers(FaultKind.DEAD_PATH));
        assertEquals(List.of(FaultLayer.CONTAINER, FaultLayer.SERVER, FaultLayer.RELAY),
                FaultPlan.layers(FaultKind.CRASH));
    }

    @Test
    void aRemoteServer_getsTheRelay_andEveryOtherLayerSaysWhyNot() {
        FaultPlan.Choice c = FaultPlan.choose(FaultKind.DEAD_PATH, null, REMOTE);
        assertEquals(FaultLayer.RELAY, c.layer());
        assertTrue(c.unavailable().containsKey(FaultLayer.KERNEL), c.reasons());
        assertEquals("the target is not a container", c.unavailable().get(FaultLayer.CONTAINER));
    }

    @Test
    void aDemandedLayerThatCannotMakeTheFault_isRefusedWithTheLayersThatCan() {
        FaultPlan.Choice c = FaultPlan.choose(FaultKind.HUNG_SERVER, FaultLayer.KERNEL, REMOTE);
        assertNull(c.layer());
        assertTrue(c.reasons().contains("cannot make HUNG_SERVER") && c.reasons().contains("PROCESS"), c.reasons());
    }

    @Test
    void aDemandedContainerLayer_onAServerThatIsNoContainer_saysSo() {
        FaultPlan.Choice c = FaultPlan.choose(FaultKind.CRASH, FaultLayer.CONTAINER, REMOTE);
        assertNull(c.layer());
        assertEquals("CONTAINER: the target is not a container", c.reasons());
    }
}

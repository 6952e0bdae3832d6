package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariPoolMXBean;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/** The proof that no connection that left setup is still waiting to be added to HikariCP's bag. */
class BagCountTest {

    @Test
    void aConnectionOutOfSetup_thatHikariHasNotCountedYet_isNotProvedInTheBag() {
        BagCount bag = new BagCount();
        bag.leftSetup();
        bag.leftSetup();
        assertFalse(bag.allInBag(total(1)), "two out of setup, one in the bag: the other is on its way");
        assertTrue(bag.allInBag(total(2)));
    }

    @Test
    void aClosedConnection_leavesTheCount_andAPoolStillStarting_provesNothing() {
        BagCount bag = new BagCount();
        bag.leftSetup();
        bag.leftSetup();
        bag.closedAfterSetup();
        assertTrue(bag.allInBag(total(1)));
        assertFalse(bag.allInBag(null), "HikariCP's pool still in its constructor: its first entry may not be in");
    }

    /** HikariCP's pool as the proof reads it: its total only (it asks nothing else). */
    private static HikariPoolMXBean total(int total) {
        return (HikariPoolMXBean) Proxy.newProxyInstance(BagCountTest.class.getClassLoader(),
                new Class<?>[] {HikariPoolMXBean.class}, (p, m, a) -> {
                    if (m.getName().equals("getTotalConnections")) {
                        return total;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}

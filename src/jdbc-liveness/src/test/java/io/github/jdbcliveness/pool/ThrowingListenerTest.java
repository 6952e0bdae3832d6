package io.github.jdbcliveness.pool;

import static io.github.jdbcliveness.pool.PoolBindingTest.fast;
import static io.github.jdbcliveness.pool.PoolBindingTest.hikari;
import static io.github.jdbcliveness.pool.StubServer.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A listener can't break the engine: one that throws anything, an {@link Error} included, is logged and ignored, the
 * dead connection still leaves HikariCP, the pool refills, and the next listener still hears the event. Under a real
 * HikariCP with the stub driver.
 */
class ThrowingListenerTest {

    /** Throws from every callback an eviction goes through, as a test's assertion in a listener would. */
    private static final class AssertingListener implements LivenessListener {
        @Override
        public void onProbePassed(ConnectionRef connection, Duration took) {
            throw new IllegalStateException("listener bug on a passed probe");
        }

        @Override
        public void onProbeFailed(ConnectionRef connection, EvictionReason reason, Duration took, Throwable cause) {
            throw new AssertionError("listener assertion on a failed probe");
        }

        @Override
        public void onEvicted(ConnectionRef connection, EvictionReason reason, Duration sinceLastAlive,
                long atNanos) {
            throw new AssertionError("listener assertion on an eviction");
        }
    }

    @Test
    void listenerThrowingAssertionError_deadConnectionsStillLeaveHikari_andThePoolRefills() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSource ds = LivenessDataSource.create(hikari(server, "throwing", 4), fast().build())) {
            HikariPoolMXBean mx = ds.unwrap(HikariDataSource.class).getHikariPoolMXBean();
            await(() -> mx.getIdleConnections() == 4, () -> "idle " + mx.getIdleConnections());
            AtomicInteger toldAfter = new AtomicInteger();
            ds.addListener(new AssertingListener());
            ds.addListener(new LivenessListener() {
                @Override
                public void onEvicted(ConnectionRef connection, EvictionReason reason, Duration sinceLastAlive,
                        long atNanos) {
                    toldAfter.incrementAndGet();
                }
            });

            server.killAll();

            await(() -> server.connections.size() == 8 && mx.getTotalConnections() == 4
                    && mx.getIdleConnections() == 4 && ds.stats().knownDeadNow() == 0,
                    () -> "opened " + server.connections.size() + ", HikariCP total " + mx.getTotalConnections()
                            + ", idle " + mx.getIdleConnections() + ", " + ds.stats());
            assertEquals(4, ds.stats().evictions().get(EvictionReason.PROBE_FAILED), ds.stats().toString());
            assertEquals(4, toldAfter.get(), "the listener after the throwing one missed evictions");
            for (int i = 0; i < 4; i++) {
                StubServer.StubConnection dead = server.connections.get(i);
                assertTrue(dead.closed || dead.aborted, "dead connection " + dead.id + " still open");
            }
        }
    }
}

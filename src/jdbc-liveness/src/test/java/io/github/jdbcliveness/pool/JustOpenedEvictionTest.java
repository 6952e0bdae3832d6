package io.github.jdbcliveness.pool;

import static io.github.jdbcliveness.pool.StubServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 11 (b): HikariCP schedules a new entry's tasks (which makes the connection probe-able and
 * evictable for us) and only then adds the entry to its bag. A connection found dead in between must still leave
 * HikariCP, however long HikariCP's thread takes to get from the one to the other, and the pool must refill.
 */
class JustOpenedEvictionTest {

    @Test
    void connectionFoundDeadBeforeHikariAddsIt_leavesHikari_andThePoolRefills() throws Exception {
        StubServer server = StubServer.start();
        HikariConfig config = PoolBindingTest.hikari(server, "just-opened", 1);
        config.setThreadFactory(new StalledBeforeAdd(server));
        try (LivenessDataSource ds = LivenessDataSource.create(config, PoolBindingTest.fast().build())) {
            HikariPoolMXBean mx = ds.unwrap(HikariDataSource.class).getHikariPoolMXBean();
            await(() -> server.connections.size() == 2 && mx.getTotalConnections() == 1
                    && mx.getIdleConnections() == 1 && ds.stats().knownDeadNow() == 0,
                    () -> "opened " + server.connections.size() + ", HikariCP total " + mx.getTotalConnections()
                            + ", idle " + mx.getIdleConnections() + ", " + ds.stats());
            assertEquals(1, ds.stats().evictions().get(EvictionReason.PROBE_FAILED), ds.stats().toString());
            try (Connection c = ds.getConnection()) {
                assertTrue(c.isValid(1));
            }
        }
    }

    /**
     * HikariCP's thread factory, which HikariCP's start reaches for the first time from inside the schedule call of
     * the first connection's end-of-life task: the connection is set up and probe-able, and not yet in HikariCP's
     * bag. Here that thread stalls, as a preempted thread on a busy machine does, while the connection dies and the
     * heartbeat finds it dead.
     */
    private static final class StalledBeforeAdd implements ThreadFactory {
        private final StubServer server;
        private final AtomicBoolean first = new AtomicBoolean(true);

        StalledBeforeAdd(StubServer server) {
            this.server = server;
        }

        @Override
        public Thread newThread(Runnable r) {
            if (first.compareAndSet(true, false)) {
                stallWhileTheConnectionIsFoundDead();
            }
            Thread t = new Thread(r, "just-opened-hikari");
            t.setDaemon(true);
            return t;
        }

        private void stallWhileTheConnectionIsFoundDead() {
            // Scripted stall: past the evictor's wait for a just-set-up connection (10 ms) before it dies, so that
            // no timing of the evictor's can be the reason the eviction works or not.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            server.killAll();
            StubServer.StubConnection c = server.connections.get(0);
            await(() -> c.aborted, () -> "the heartbeat found connection 1 dead: " + c.aborted);
            // Scripted stall, continued: an evictor that runs HikariCP's task now runs it before the entry is in the
            // bag (on a maintenance thread, within a millisecond of the abort).
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }
}

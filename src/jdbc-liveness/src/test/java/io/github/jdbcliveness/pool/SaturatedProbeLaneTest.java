package io.github.jdbcliveness.pool;

import static io.github.jdbcliveness.pool.StubServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.heartbeat.HeartbeatScheduler;
import io.github.jdbcliveness.pool.LeaseState.State;
import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 11 (a): when every probe thread of a host is busy (stuck on probes of connections that hang), a
 * healthy connection's probe waits in the host's lane and starts late. A probe that never ran, or that started late
 * and is still inside its own timeout, is no evidence of death: no borrower may mark that connection dead.
 */
class SaturatedProbeLaneTest {

    private static final String BYPASS = "com.zaxxer.hikari.aliveBypassWindowMs";
    /** The healthy server's round trip: slow, but inside the 500 ms probe timeout of {@code fast()}. */
    private static final long LATENCY_NANOS = TimeUnit.MILLISECONDS.toNanos(400);

    @Test
    void borrowerOnAQueuedProbe_thatStartsLate_waitsForItsAnswer_andEvictsNothing() throws Exception {
        StubServer server = StubServer.start();
        // HikariCP asks isValid only of a connection idle for longer than this window; with a busy pool it does not
        // ask at all, and the borrower meets the heartbeat's probe in beginRequest. Read once, at pool start.
        System.setProperty(BYPASS, "60000");
        LivenessDataSource ds;
        try {
            ds = LivenessDataSource.create(PoolBindingTest.hikari(server, "saturated-lane", 1),
                    PoolBindingTest.fast().build());
        } finally {
            System.clearProperty(BYPASS);
        }
        HeartbeatScheduler scheduler = HeartbeatScheduler.acquire();
        CountDownLatch firstFree = new CountDownLatch(1);
        CountDownLatch restFree = new CountDownLatch(1);
        try (ds) {
            HikariPoolMXBean mx = ds.unwrap(HikariDataSource.class).getHikariPoolMXBean();
            await(() -> mx.getIdleConnections() == 1, () -> "idle " + mx.getIdleConnections());
            Connection held = ds.getConnection(); // leased: the heartbeat keeps off it while the lane fills
            TrackedConnection t = held.unwrap(TrackedConnection.class);

            LaneBlockers.fill(scheduler, t.hostKey(), firstFree, restFree);
            server.latencyNanos = LATENCY_NANOS;
            held.close();
            await(() -> t.state.state() == State.QUEUED, () -> "the heartbeat's probe queued: " + t);

            long drawn = System.nanoTime();
            CompletableFuture<Connection> borrow = CompletableFuture.supplyAsync(() -> {
                try {
                    return ds.getConnection();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Scripted: one of the host's stuck probes ends 250 ms into the borrower's wait, and the healthy
            // connection's probe gets that thread. It answers 400 ms later, 150 ms after the probe timeout counted
            // from the borrower's arrival, but 100 ms inside its own.
            LockSupport.parkNanos(drawn + TimeUnit.MILLISECONDS.toNanos(250) - System.nanoTime());
            firstFree.countDown();

            try (Connection c = borrow.get(StubServer.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                assertSame(t, c.unwrap(TrackedConnection.class), "the borrower was given another connection");
            }
            StubServer.StubConnection healthy = server.connections.get(0);
            assertFalse(healthy.aborted || healthy.closed, "the healthy connection was ended");
            assertEquals(0, ds.stats().evictionsTotal(), ds.stats().toString());
            assertEquals(1, server.connections.size(), "connections opened");
            assertTrue(healthy.validating.get() == 0, "no probe still running");
        } finally {
            firstFree.countDown();
            restFree.countDown();
            scheduler.release();
        }
    }

    @Test
    void hikariBorrowTimeCheck_withNoProbeThreadFree_keepsTheHealthyConnection() throws Exception {
        StubServer server = StubServer.start();
        com.zaxxer.hikari.HikariConfig config = PoolBindingTest.hikari(server, "saturated-check", 1);
        config.setConnectionTimeout(3000); // the check may wait for a thread twice (queued, then inline): no timeout
        // HikariCP asks isValid at every borrow: the question it asks of any connection idle for 500 ms.
        System.setProperty(BYPASS, "-1");
        LivenessDataSource ds;
        try {
            ds = LivenessDataSource.create(config, PoolBindingTest.fast().build());
        } finally {
            System.clearProperty(BYPASS);
        }
        HeartbeatScheduler scheduler = HeartbeatScheduler.acquire();
        CountDownLatch free = new CountDownLatch(1);
        try (ds) {
            HikariPoolMXBean mx = ds.unwrap(HikariDataSource.class).getHikariPoolMXBean();
            await(() -> mx.getIdleConnections() == 1, () -> "idle " + mx.getIdleConnections());
            Connection held = ds.getConnection();
            TrackedConnection t = held.unwrap(TrackedConnection.class);
            LaneBlockers.fill(scheduler, t.hostKey(), free, free);
            held.close();
            await(() -> t.state.state() == State.QUEUED, () -> "the heartbeat's probe queued: " + t);

            // No probe of it can run: the heartbeat's stays queued, and the inline one HikariCP's isValid asks for
            // finds no thread either. Neither ran, so neither says anything about the connection.
            try (Connection c = ds.getConnection()) {
                assertSame(t, c.unwrap(TrackedConnection.class), "the healthy connection was dropped");
            }
            StubServer.StubConnection healthy = server.connections.get(0);
            assertFalse(healthy.aborted || healthy.closed, "the healthy connection was ended");
            assertEquals(1, server.connections.size(), "connections opened");
            assertEquals(0, ds.stats().evictionsTotal(), ds.stats().toString());
        } finally {
            free.countDown();
            scheduler.release();
        }
    }
}

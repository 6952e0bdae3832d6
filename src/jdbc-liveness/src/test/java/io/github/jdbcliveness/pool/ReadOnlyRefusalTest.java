package io.github.jdbcliveness.pool;

import static io.github.jdbcliveness.pool.StubServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride.Override;
import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessListener;
import io.github.jdbcliveness.ServerRole;
import io.github.jdbcliveness.keepalive.DriverKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A pool that needs a primary on the MySQL protocol, under a real HikariCP, with the stub driver in the MySQL
 * protocol's place: a write the server refuses as read-only evicts its connection (HikariCP's eviction, through
 * {@link ReadOnlyEvidence}), counted and told once as {@code WRONG_ROLE}, and sweeps the server's idle connections at
 * once; the application's own read-only transaction evicts nothing.
 */
class ReadOnlyRefusalTest {

    /**
     * A heartbeat slower than any wait here: a connection's first probe comes half an interval (15 s) after it opened
     * at the earliest, so whatever a test sees probed within {@link StubServer#DEADLINE} (10 s) was swept.
     */
    private static final Duration INTERVAL = Duration.ofSeconds(30);

    private static final String REFUSED_WRITE = "INSERT INTO t VALUES (1)";

    @Test
    void writeRefusedAsReadOnly_isCountedAsWrongRoleOnce_andSweepsTheServersIdleConnections() throws Exception {
        StubServer server = StubServer.start();
        try (MysqlProtocolPool pool = new MysqlProtocolPool(server, "refused-write", 3)) {
            List<String> evicted = new CopyOnWriteArrayList<>();
            pool.binding.addListener(new LivenessListener() {
                @java.lang.Override
                public void onEvicted(ConnectionRef connection, EvictionReason reason, Duration sinceLastAlive,
                        long atNanos) {
                    evicted.add(connection.id() + " " + reason);
                }
            });
            Connection c = pool.hikari.getConnection();
            TrackedConnection refused = c.unwrap(TrackedConnection.class);
            List<Long> idle = pool.binding.live().stream().filter(t -> t != refused).map(t -> t.ref().id()).toList();
            assertEquals(2, idle.size());

            server.readOnly = true; // the old primary, fenced and still up
            SQLException e = assertThrows(SQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate(REFUSED_WRITE);
                }
            });
            assertEquals(1290, e.getErrorCode(), e.toString());
            assertTrue(c.isClosed(), "HikariCP evicts it at once, not when it is returned");
            c.close();

            List<String> expected = List.of(refused.ref().id() + " WRONG_ROLE", idle.get(0) + " WRONG_ROLE",
                    idle.get(1) + " WRONG_ROLE");
            await(() -> evicted.containsAll(expected), () -> "evicted " + evicted + ", wanted " + expected
                    + " (the idle ones swept, not found by the heartbeat " + INTERVAL.dividedBy(2) + " or more away)");
            await(() -> StubServer.of(refused.delegate).aborted, () -> "the refused connection is not ended");

            // The refill lands on the same read-only server, and a sweep may find it too. The role is back now: once
            // the probes under way end, the counter and the listener agree, and no connection was counted twice.
            server.readOnly = false;
            await(() -> pool.binding.stats().evictions().get(EvictionReason.WRONG_ROLE) == evicted.size(),
                    () -> pool.binding.stats() + " against " + evicted);
            assertEquals(evicted.size(), evicted.stream().map(s -> s.split(" ")[0]).distinct().count(),
                    "a connection evicted twice: " + evicted);
            assertTrue(evicted.stream().allMatch(s -> s.endsWith(" WRONG_ROLE")), evicted.toString());
        }
    }

    @Test
    void theApplicationsOwnReadOnlyTransaction_evictsNothing() throws Exception {
        StubServer server = StubServer.start();
        try (MysqlProtocolPool pool = new MysqlProtocolPool(server, "own-read-only", 1)) {
            try (Connection c = pool.hikari.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("START TRANSACTION READ ONLY");
                SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate(REFUSED_WRITE));
                assertEquals(1792, e.getErrorCode(), e.toString());
                assertFalse(c.isClosed(), "HikariCP evicted a connection for the application's own read-only "
                        + "transaction");
                c.rollback();
                s.executeUpdate(REFUSED_WRITE); // the same session, writable again
                c.commit();
            }
            assertEquals(0, pool.binding.stats().evictionsTotal(), pool.binding.stats().toString());
            assertEquals(1, server.connections.size(), "a connection was replaced");
        }
    }

    /**
     * The refusal waits only for the eviction HikariCP makes for it, on its thread, right away: a removal after
     * another error was weighed, one of a connection not leased, or one past the window, is not taken for it.
     */
    @Test
    void aRefusal_claimsOnlyTheRemovalThatFollowsIt() throws Exception {
        StubServer server = StubServer.start();
        try (MysqlProtocolPool pool = new MysqlProtocolPool(server, "claims", 2)) {
            ReadOnlyEvidence evidence = pool.binding.readOnlyEvidence();
            SQLException refusal = new SQLException("The MariaDB server is running with the --read-only option so "
                    + "it cannot execute this statement", "HY000", 1290);
            try (Connection c = pool.hikari.getConnection()) {
                TrackedConnection leased = c.unwrap(TrackedConnection.class);
                TrackedConnection idle = pool.binding.live().stream().filter(t -> t != leased).findFirst()
                        .orElseThrow();
                long now = System.nanoTime();

                assertEquals(Override.MUST_EVICT, evidence.adjudicate(refusal, now));
                assertEquals(Override.CONTINUE_EVICT, evidence.adjudicate(new SQLException("gone", "08S01"), now));
                assertFalse(evidence.removing(leased, now), "claimed after another error was weighed");

                evidence.adjudicate(refusal, now);
                assertFalse(evidence.removing(idle, now), "claimed an idle connection");
                assertFalse(evidence.removing(leased, now), "a refusal is claimed by the first removal or none");

                evidence.adjudicate(refusal, now);
                assertFalse(evidence.removing(leased, now + ReadOnlyEvidence.CLAIM_WINDOW_NANOS),
                        "claimed after the window");

                Thread other = new Thread(() -> evidence.adjudicate(refusal, now));
                other.start();
                other.join();
                assertFalse(evidence.removing(leased, now), "claimed a refusal of another thread's");

                assertEquals(0, pool.binding.stats().evictionsTotal(), pool.binding.stats().toString());
                assertTrue(c.isValid(1));
                assertNotEquals(LeaseState.State.DEAD, leased.state.state());
            }
        }
    }

    /**
     * A pool as {@code LivenessDataSource.create} starts one, with a role check the stub driver cannot have by itself:
     * a primary, read as the MySQL protocol reads it ({@code SELECT @@global.read_only}).
     */
    private static final class MysqlProtocolPool implements AutoCloseable {
        final PoolBinding binding;
        final HikariDataSource hikari;

        MysqlProtocolPool(StubServer server, String name, int size) {
            HikariConfig c = PoolBindingTest.hikari(server, name, size);
            binding = HikariInstall.install(c, PoolBindingTest.fast().detectionBudget(INTERVAL.multipliedBy(3))
                    .heartbeatInterval(INTERVAL).build(), (connector, configured) -> new RoleCheck(ServerRole.PRIMARY,
                    "requiredRole primary", DriverKind.MARIADB)).binding();
            HikariDataSource started = null;
            binding.startOpen();
            try {
                started = new HikariDataSource(c);
            } finally {
                binding.startDone();
                if (started == null) {
                    binding.close();
                }
            }
            hikari = started;
            binding.attach(hikari);
            HikariPoolMXBean mx = hikari.getHikariPoolMXBean();
            await(() -> mx.getIdleConnections() == size, () -> "idle " + mx.getIdleConnections());
        }

        @java.lang.Override
        public void close() {
            try {
                hikari.close();
            } finally {
                binding.close();
            }
        }
    }
}

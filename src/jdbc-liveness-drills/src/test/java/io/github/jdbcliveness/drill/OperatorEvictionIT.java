package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator's lever on a real server, as the server sees it: {@code evictHost} with a name that does not lead
 * to the server evicts nothing; with the server's name and port it ends every idle session at once, leaves the
 * leased one working for its borrower until it is returned, and the pool refills with new sessions.
 */
class OperatorEvictionIT {

    private static final int POOL = 4;
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void evictHost_endsIdleSessionsNow_theLeasedOneWhenReturned_andThePoolRefills(DatabaseTarget.Kind kind,
            String driver) throws Exception {
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        Pools.endAllSessions(target, driver);
        try (LivenessDataSource ds = LivenessDataSource.create(Pools.hikari(target, driver, "operator", POOL),
                LivenessConfig.builder().detectionBudget(Duration.ofSeconds(6)).build())) {
            HikariDataSource pool = ds.unwrap(HikariDataSource.class);
            Waits.awaitFull(pool, POOL);
            Set<Long> before = sessionsOf(ds, kind);
            assertEquals(POOL, before.size(), "one session per pooled connection");

            assertEquals(0, ds.evictHost("127.0.0.2"), "another address names none of them");
            assertEquals(before, Pools.sessionIds(target, driver), "and ends nothing");

            try (Connection leased = ds.getConnection()) {
                long leasedId = sessionId(leased, kind);
                assertEquals(POOL, ds.evictHost("localhost:" + target.port()));
                Set<Long> idle = new HashSet<>(before);
                idle.remove(leasedId);
                Pools.awaitTrue(DEADLINE, () -> disjoint(sessions(target, driver), idle),
                        () -> "idle sessions still on the server: " + sessions(target, driver));
                assertEquals(1, Pools.selectOne(leased), "the leased connection's work goes on");
                assertTrue(sessions(target, driver).contains(leasedId), "its session is still there");
            }
            Pools.awaitTrue(DEADLINE, () -> disjoint(sessions(target, driver), before),
                    () -> "sessions left after the return: " + sessions(target, driver));
            Waits.awaitFull(pool, POOL);
            Set<Long> after = sessionsOf(ds, kind);
            assertTrue(disjoint(after, before), "the refill opened new sessions: " + before + " then " + after);
            assertEquals(0, ds.stats().evictionsTotal(), "an operator's eviction is not a death");
        }
    }

    /** The server-side id of every pooled connection (all borrowed at once, then returned). */
    private static Set<Long> sessionsOf(LivenessDataSource ds, DatabaseTarget.Kind kind) throws SQLException {
        List<Connection> all = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        try {
            for (int i = 0; i < POOL; i++) {
                Connection c = ds.getConnection();
                all.add(c);
                ids.add(sessionId(c, kind));
            }
        } finally {
            for (Connection c : all) {
                c.close();
            }
        }
        return ids;
    }

    private static long sessionId(Connection c, DatabaseTarget.Kind kind) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                kind == DatabaseTarget.Kind.POSTGRESQL ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Set<Long> sessions(DatabaseTarget target, String driver) {
        try {
            return Pools.sessionIds(target, driver);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean disjoint(Set<Long> a, Set<Long> b) {
        for (Long x : a) {
            if (b.contains(x)) {
                return false;
            }
        }
        return true;
    }
}

package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessStats;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * D6: eight threads run multi-statement transactions — every fifth one fails inside the transaction and keeps the
 * connection a while before rolling back — with a 50 ms heartbeat. The probe's statement fails if it ever runs
 * inside an application's transaction, so a probe on a leased connection would show as a probe failure: there must
 * be none, no eviction, and every transaction's rows exactly as it committed or rolled back.
 */
class SafetyUnderLoadIT {

    private static final int THREADS = 8;
    private static final int TRANSACTIONS = 150;

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void heartbeatEvery50ms_neverTouchesALeasedConnection_norDisturbsATransaction(DatabaseTarget.Kind kind,
            String driver) throws Exception {
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        String table = "d6_" + driver;
        boolean pg = kind == DatabaseTarget.Kind.POSTGRESQL;
        // Fails (division by zero / subquery of two rows) when run inside a transaction that has begun.
        String guard = pg ? "SELECT 1 / (CASE WHEN pg_current_xact_id_if_assigned() IS NULL THEN 1 ELSE 0 END)"
                : "SELECT IF(@@in_transaction = 0, 1, (SELECT 1 UNION SELECT 2))";
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl(driver), target.credentials());
                Statement s = admin.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (thread INT NOT NULL, seq INT NOT NULL, step INT NOT NULL, "
                    + "PRIMARY KEY (thread, seq, step))");
            // The guard itself: passes outside a transaction, fails inside one that has begun.
            s.execute(guard);
            admin.setAutoCommit(false);
            s.execute("INSERT INTO " + table + " VALUES (-1, -1, -1)");
            assertThrows(SQLException.class, () -> s.execute(guard), "the guard must fail inside a transaction");
            admin.rollback();
        }
        LivenessConfig config = LivenessConfig.builder().detectionBudget(Duration.ofSeconds(6))
                .heartbeatInterval(Duration.ofMillis(50)).validationQuery(guard).build();
        ExecutorService app = Executors.newFixedThreadPool(THREADS);
        AtomicLong unexpected = new AtomicLong();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        try (LivenessDataSource ds = LivenessDataSource.create(Pools.hikari(target, driver, "d6-" + driver, 10),
                config)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                runs.add(app.submit(() -> {
                    for (int seq = 0; seq < TRANSACTIONS; seq++) {
                        try {
                            transaction(ds, table, thread, seq);
                        } catch (SQLException e) {
                            unexpected.incrementAndGet();
                            errors.add(e.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(3, TimeUnit.MINUTES);
            }
            LivenessStats stats = ds.stats();
            System.out.printf("D6 %s on %s: %d transactions, %d unexpected errors; %s%n", driver, kind,
                    THREADS * TRANSACTIONS, unexpected.get(), stats);
            assertEquals(0, unexpected.get(), "unexpected errors: " + errors);
            assertEquals(0, stats.probeFailures() + stats.probeTimeouts(), "a probe ran inside a transaction, or "
                    + "failed: " + stats);
            assertEquals(0, stats.evictionsTotal(), stats.toString());
            assertTrue(stats.probesPassed() > 0, "the heartbeat probed idle connections meanwhile: " + stats);
        } finally {
            app.shutdownNow();
        }
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl(driver), target.credentials());
                Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT thread * 1000 + seq) FROM " + table)) {
            rs.next();
            int committed = THREADS * (TRANSACTIONS - TRANSACTIONS / 5);
            assertEquals(committed * 3, rs.getInt(1), "rows: three per committed transaction, none of rolled back");
            assertEquals(committed, rs.getInt(2));
        }
    }

    /** Three inserts and a commit; every fifth fails after the second insert, holds on, and rolls back. */
    private static void transaction(LivenessDataSource ds, String table, int thread, int seq) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
                for (int step = 0; step < 3; step++) {
                    insert.setInt(1, thread);
                    insert.setInt(2, seq);
                    insert.setInt(3, step);
                    insert.executeUpdate();
                    if (step == 1 && seq % 5 == 0) {
                        try (Statement bad = c.createStatement()) {
                            bad.execute("SELECT * FROM no_such_table_" + thread);
                        } catch (SQLException expected) {
                            // the transaction is broken; keep the connection a while, as a slow handler would
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(60));
                            c.rollback();
                            return;
                        }
                    }
                }
            }
            c.commit();
        }
    }
}

package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessListener;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Probes never leave a transaction open. With a validation query, {@code autoCommit=false} and REPEATABLE READ, a
 * probe whose implicit transaction stayed open would hand the next borrower its old snapshot (and an old
 * {@code now()}), and hold VACUUM back. After every pooled connection has been probed, a row is committed from
 * outside; each pooled connection must then see it, and PostgreSQL must show no session idle in a transaction.
 */
class ProbeTransactionIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 4;

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void probedConnections_withAutoCommitOff_leaveNoTransactionOpen_andTheNextBorrowerSeesFreshData(
            DatabaseTarget.Kind kind, String driver) throws Exception {
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        String table = "probe_snapshot_" + driver;
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl(driver), target.credentials());
                Statement s = admin.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (id INT)");
        }
        HikariConfig hikari = Pools.hikari(target, driver, "probe-tx-" + driver, POOL);
        hikari.setAutoCommit(false);
        hikari.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
        Set<Long> probed = ConcurrentHashMap.newKeySet();
        try (LivenessDataSource ds = LivenessDataSource.create(hikari, LivenessConfig.builder().detectionBudget(B)
                .validationQuery("SELECT count(*) FROM " + table).build())) {
            ds.addListener(new LivenessListener() {
                @Override
                public void onProbePassed(ConnectionRef connection, Duration took) {
                    probed.add(connection.id());
                }
            });
            Waits.awaitFull(ds.unwrap(HikariDataSource.class), POOL);
            Pools.awaitTrue(B.multipliedBy(2), () -> probed.size() >= POOL, () -> "probed " + probed);

            if (kind == DatabaseTarget.Kind.POSTGRESQL) {
                assertEquals(0, idleInTransaction(target), "sessions left idle in a transaction by probes");
            }
            try (Connection admin = DriverManager.getConnection(target.jdbcUrl(driver), target.credentials());
                    Statement s = admin.createStatement()) {
                s.execute("INSERT INTO " + table + " VALUES (1)");
            }
            List<Connection> all = new ArrayList<>();
            try {
                for (int i = 0; i < POOL; i++) {
                    all.add(ds.getConnection());
                }
                for (Connection c : all) {
                    assertEquals(1, count(c, table), "a borrower saw the snapshot of a probe's open transaction");
                }
            } finally {
                for (Connection c : all) {
                    c.rollback();
                    c.close();
                }
            }
            System.out.printf("probe transactions (%s on %s): %d connections probed, every one saw the new row; %s%n",
                    driver, kind, probed.size(), ds.stats());
        }
    }

    private static int count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int idleInTransaction(DatabaseTarget target) throws SQLException {
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl("postgresql"), target.credentials());
                Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in "
                        + "transaction' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

package io.github.jdbcliveness.drill;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/** Pool plumbing the liveness drills share. */
final class Pools {

    private Pools() {
    }

    static HikariConfig hikari(DatabaseTarget target, String driver, String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(target.jdbcUrl(driver));
        config.setUsername(target.username());
        config.setPassword(target.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        return config;
    }

    /** Waits (polling the pool's own counters) until it holds {@code n} idle connections. */
    static void awaitIdle(HikariDataSource pool, int n, Duration deadline) {
        HikariPoolMXBean mx = pool.getHikariPoolMXBean();
        awaitTrue(deadline, () -> mx.getIdleConnections() >= n && mx.getTotalConnections() == n,
                () -> "pool " + pool.getPoolName() + ": total " + mx.getTotalConnections() + ", idle "
                        + mx.getIdleConnections() + ", wanted " + n + " idle");
    }

    /** Borrows {@code n} connections at once and returns them, so each has been leased once. */
    static void leaseAll(DataSource ds, int n) throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                held.add(ds.getConnection());
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Kills, server-side, every client session of the drill user except the admin's own; returns how many. */
    static int killAllSessions(DatabaseTarget target, String driver) throws SQLException {
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl(driver), target.credentials());
                Statement s = admin.createStatement()) {
            List<Long> ids = new ArrayList<>();
            String sql = target.kind() == DatabaseTarget.Kind.POSTGRESQL
                    ? "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                    : "SELECT id FROM information_schema.processlist WHERE id <> CONNECTION_ID() AND user = '"
                            + target.username() + "'";
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            ServerSql server = ServerSql.of(target.kind());
            for (long id : ids) {
                server.terminate(admin, id);
            }
            return ids.size();
        }
    }

    /** The client ports of every session of the drill user, except the asking one (the pool's flows). */
    static List<Integer> clientPorts(DatabaseTarget target, String driver) throws SQLException {
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl(driver), target.credentials());
                Statement s = admin.createStatement()) {
            String sql = target.kind() == DatabaseTarget.Kind.POSTGRESQL
                    ? "SELECT client_port FROM pg_stat_activity WHERE backend_type = 'client backend' "
                            + "AND pid <> pg_backend_pid()"
                    : "SELECT host FROM information_schema.processlist WHERE id <> CONNECTION_ID() AND user = '"
                            + target.username() + "'";
            List<Integer> ports = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    String v = rs.getString(1);
                    ports.add(Integer.parseInt(v.substring(v.lastIndexOf(':') + 1)));
                }
            }
            return ports;
        }
    }

    /** Backend process ids of every client session except the asking one (PostgreSQL). */
    static List<Long> backendPids(DatabaseTarget target) throws SQLException {
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl("postgresql"), target.credentials());
                Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' "
                        + "AND pid <> pg_backend_pid()")) {
            List<Long> pids = new ArrayList<>();
            while (rs.next()) {
                pids.add(rs.getLong(1));
            }
            return pids;
        }
    }

    /** Parks until {@code nanoTime}: a drill's scripted pause, not a wait for an event. */
    static void parkUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** Client sessions of the drill user the server holds, except the asking one. */
    static int serverSessions(DatabaseTarget target, String driver) throws SQLException {
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl(driver), target.credentials());
                Statement s = admin.createStatement()) {
            String sql = target.kind() == DatabaseTarget.Kind.POSTGRESQL
                    ? "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                            + "AND pid <> pg_backend_pid()"
                    : "SELECT count(*) FROM information_schema.processlist WHERE id <> CONNECTION_ID() AND user = '"
                            + target.username() + "'";
            try (ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static void awaitTrue(Duration deadline, BooleanSupplier condition, java.util.function.Supplier<String> state) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not reached within " + deadline + ": " + state.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}

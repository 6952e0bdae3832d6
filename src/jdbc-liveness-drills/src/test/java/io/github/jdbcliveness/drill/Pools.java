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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Pool plumbing the liveness drills share. */
final class Pools {

    private Pools() {
    }

    /** The PostgreSQL server's processes on this machine, for a drill that stops them; fails the drill if not found. */
    static List<Long> serverProcesses(DatabaseTarget target) throws SQLException {
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl("postgresql"), target.credentials())) {
            ServerProcesses.Result found = ServerProcesses.find(target, admin);
            if (!found.found()) {
                throw new AssertionError("the server's processes: " + found.unavailableReason());
            }
            return found.pids();
        }
    }

    static HikariConfig hikari(DatabaseTarget target, String driver, String name, int size) {
        return target.hikariConfig(driver, name, size);
    }

    /** Waits (polling the pool's own counters) until it holds {@code n} idle connections. */
    static void awaitIdle(HikariDataSource pool, int n, Duration deadline) {
        HikariPoolMXBean mx = pool.getHikariPoolMXBean();
        awaitTrue(deadline, () -> mx.getIdleConnections() >= n && mx.getTotalConnections() == n,
                () -> "pool " + pool.getPoolName() + ": total " + mx.getTotalConnections() + ", idle "
                        + mx.getIdleConnections() + ", wanted " + n + " idle");
    }

    static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Kills, server-side, every client session of the drill user except the admin's own; returns how many. */
    static int killAllSessions(DatabaseTarget target, String driver) throws SQLException {
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl(driver), target.credentials())) {
            return ServerSql.of(target.kind()).terminateOthers(admin, target.username());
        }
    }

    /**
     * Terminates every other session of the drill user and waits until the server has ended them all, so that a
     * drill starts with no session of an earlier one. Termination is asynchronous on both servers: a session killed
     * a moment ago is still listed, and killed again, until it has sent its last message and closed. (So is, on
     * MariaDB, an admin session closed a moment ago: counts taken right after one are at least, not exactly.)
     */
    static void endAllSessions(DatabaseTarget target, String driver) throws SQLException {
        killAllSessions(target, driver);
        awaitTrue(Duration.ofSeconds(10), () -> sessionsOrFail(target, driver) == 0,
                () -> sessionsOrFail(target, driver) + " sessions of earlier drills still ending on the server");
    }

    private static int sessionsOrFail(DatabaseTarget target, String driver) {
        try {
            return serverSessions(target, driver);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client ports of every session of the drill user, except the asking one (the pool's flows). */
    static List<Integer> clientPorts(DatabaseTarget target, String driver) throws SQLException {
        return others(target, driver).stream().map(ServerSql.Session::clientPort).toList();
    }

    private static List<ServerSql.Session> others(DatabaseTarget target, String driver) throws SQLException {
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl(driver), target.credentials())) {
            return ServerSql.of(target.kind()).otherSessions(admin, target.username());
        }
    }

    /** Server-side ids of every client session of the drill user, except the asking one. */
    static java.util.Set<Long> sessionIds(DatabaseTarget target, String driver) throws SQLException {
        return others(target, driver).stream().map(ServerSql.Session::id)
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Backend process ids of every client session except the asking one (PostgreSQL). */
    static List<Long> backendPids(DatabaseTarget target) throws SQLException {
        return others(target, "postgresql").stream().map(ServerSql.Session::id).toList();
    }

    /** Parks until {@code nanoTime}: a drill's scripted pause, not a wait for an event. */
    static void parkUntil(long nanoTime) {
        Waits.parkUntil(nanoTime);
    }

    /** Client sessions of the drill user the server holds, except the asking one. */
    static int serverSessions(DatabaseTarget target, String driver) throws SQLException {
        return others(target, driver).size();
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

    /** Runs one statement as the target's drill user, on a connection of its own, outside any pool. */
    static void admin(DatabaseTarget target, String driver, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(target.jdbcUrl(driver), target.credentials());
                java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A pool on {@code url} that opens all {@code size} connections at its start. */
    static HikariConfig fixedPool(String url, String name, String user, String password, int size) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(url);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(size);
        return c;
    }

    /** {@link #fixedPool} as the PostgreSQL drills' {@code postgres} user, its sessions named after the pool. */
    static HikariConfig namedPostgresPool(String url, String name, int size) {
        HikariConfig c = fixedPool(url, name, "postgres", null, size);
        c.addDataSourceProperty("ApplicationName", name);
        return c;
    }

    /** A PostgreSQL pool's sessions on {@code server}, named by {@link #namedPostgresPool}: the server's own view. */
    static int postgresSessions(DatabaseTarget server, String pool) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgresql"), server.credentials());
                java.sql.PreparedStatement s = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, pool);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}

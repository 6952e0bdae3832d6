package io.github.jdbcliveness.soak;

import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.ServerSql;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The server's own view of the pools, on a connection of its own straight to the server's port (no relay, no nft
 * rule in its way), opened for each look with timeouts, so a hung server cannot hold the soak. A pool is its user's
 * sessions.
 */
final class ServerView {

    private final DatabaseTarget target;
    private final SoakSql soakSql;
    private final ServerSql serverSql;

    ServerView(DatabaseTarget target) {
        this.target = target;
        this.soakSql = SoakSql.of(target.kind());
        this.serverSql = ServerSql.of(target.kind());
    }

    SoakSql sql() {
        return soakSql;
    }

    Connection connect() throws SQLException {
        Properties p = target.credentials();
        soakSql.lookOnlyTimeouts(p);
        return DriverManager.getConnection(target.jdbcUrl(soakSql.driver()), p);
    }

    /** The soak's table (a counter row per pool and worker for the transactions) and a user per pool. */
    void prepare(List<String> pools, int workers) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(soakSql.createCounters());
            for (String pool : pools) {
                for (int w = 0; w < workers; w++) {
                    s.execute(soakSql.insertCounter(pool, w));
                }
                soakSql.createUser(s, pool);
            }
            soakSql.allowUploads(s);
        }
    }

    /** The server's product and version, and the driver's. */
    String versions() throws SQLException {
        try (Connection c = connect()) {
            java.sql.DatabaseMetaData m = c.getMetaData();
            return m.getDatabaseProductName() + " " + m.getDatabaseProductVersion() + ", " + m.getDriverName() + " "
                    + m.getDriverVersion();
        }
    }

    /** How many sessions {@code pool}'s user holds, or -1 when the look failed. */
    int sessions(Connection admin, String pool) {
        try {
            return serverSql.otherSessions(admin, pool).size();
        } catch (SQLException e) {
            return -1;
        }
    }

    /**
     * Ends every session of the pools and returns once the server no longer lists them (at most 2 s): ending one
     * only signals it, and a borrower after the fault is held to a live connection from then on.
     */
    void endSessions(List<String> pools) throws SQLException {
        try (Connection admin = connect()) {
            List<Long> ended = new ArrayList<>();
            for (String pool : pools) {
                for (ServerSql.Session s : serverSql.otherSessions(admin, pool)) {
                    serverSql.terminate(admin, s.id());
                    ended.add(s.id());
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!ended.isEmpty() && System.nanoTime() - deadline < 0) {
                List<Long> listed = new ArrayList<>();
                for (String pool : pools) {
                    serverSql.otherSessions(admin, pool).forEach(s -> listed.add(s.id()));
                }
                ended.retainAll(listed);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
    }
}

package io.github.jdbcliveness.soak;

import io.github.jdbcliveness.drill.DatabaseTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The server's own view of the pools, on a connection of its own straight to the server's port (no relay, no nft
 * rule in its way), opened for each look with timeouts, so a hung server cannot hold the soak.
 */
final class ServerView {

    private final DatabaseTarget target;

    ServerView(DatabaseTarget target) {
        this.target = target;
    }

    Connection connect() throws SQLException {
        Properties p = target.credentials();
        p.setProperty("connectTimeout", "3");
        p.setProperty("socketTimeout", "5");
        p.setProperty("ApplicationName", "soak-admin");
        return DriverManager.getConnection(target.jdbcUrl("postgresql"), p);
    }

    /** The soak's tables: a counter row per pool and worker for the transactions. */
    void prepare(java.util.List<String> pools, int workers) throws SQLException {
        try (Connection c = connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS soak_counters (pool text, worker int, n bigint, "
                    + "PRIMARY KEY (pool, worker))");
            for (String pool : pools) {
                for (int w = 0; w < workers; w++) {
                    s.execute("INSERT INTO soak_counters VALUES ('" + pool + "', " + w + ", 0) ON CONFLICT DO NOTHING");
                }
            }
        }
    }

    String version() throws SQLException {
        try (Connection c = connect()) {
            return "PostgreSQL " + c.getMetaData().getDatabaseProductVersion();
        }
    }
}

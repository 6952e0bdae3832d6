package io.github.jdbcliveness.soak;

import io.github.jdbcliveness.drill.DatabaseTarget;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGConnection;

/**
 * What a soak says to each kind of server: its driver, the pools' own users, the transactions' table, a long query
 * and an upload. Each pool logs in as a user of its own, so the server's view of a pool is its user's sessions.
 */
enum SoakSql {

    POSTGRESQL("postgresql") {
        @Override
        void lookOnlyTimeouts(Properties p) {
            p.setProperty("connectTimeout", "3"); // seconds
            p.setProperty("socketTimeout", "5");
        }

        @Override
        void createUser(Statement s, String user) throws SQLException {
            s.execute("DO $$ BEGIN CREATE ROLE " + user + " LOGIN PASSWORD '" + PASSWORD + "'; "
                    + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            s.execute("GRANT SELECT, UPDATE ON soak_counters TO " + user);
        }

        @Override
        String insertCounter(String pool, int worker) {
            return "INSERT INTO soak_counters VALUES ('" + pool + "', " + worker + ", 0) ON CONFLICT DO NOTHING";
        }

        @Override
        String longQuery() {
            return "SELECT pg_sleep(?)";
        }

        /** {@code COPY ... FROM STDIN} into a temporary table that empties at commit. */
        @Override
        void upload(Connection c, String pool, int bytes) throws SQLException {
            StringBuilder rows = new StringBuilder(bytes + 1100);
            String line = pool + "\t" + "x".repeat(1000) + "\n";
            while (rows.length() < bytes) {
                rows.append(line);
            }
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TEMP TABLE IF NOT EXISTS soak_upload (pool text, payload text) "
                            + "ON COMMIT DELETE ROWS");
                }
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY soak_upload FROM STDIN",
                        new StringReader(rows.toString()));
                c.commit();
            } catch (java.io.IOException e) {
                throw new SQLException("COPY failed: " + e.getMessage(), "08006", e);
            } finally {
                c.setAutoCommit(true);
            }
        }
    },

    MARIADB("mariadb") {
        @Override
        void lookOnlyTimeouts(Properties p) {
            p.setProperty("connectTimeout", "3000"); // milliseconds
            p.setProperty("socketTimeout", "5000");
        }

        @Override
        void createUser(Statement s, String user) throws SQLException {
            s.execute("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            s.execute("GRANT SELECT, UPDATE ON soak_counters TO '" + user + "'@'%'");
        }

        /** The largest upload is 16 MiB and its framing; MariaDB takes at most 16 MiB in a statement by default. */
        @Override
        void allowUploads(Statement s) throws SQLException {
            s.execute("SET GLOBAL max_allowed_packet = " + 64 * 1024 * 1024);
        }

        @Override
        String insertCounter(String pool, int worker) {
            return "INSERT IGNORE INTO soak_counters VALUES ('" + pool + "', " + worker + ", 0)";
        }

        @Override
        String longQuery() {
            return "SELECT SLEEP(?)";
        }

        /** One statement whose parameter is the whole upload; the server reads every byte before it answers. */
        @Override
        void upload(Connection c, String pool, int bytes) throws SQLException {
            byte[] payload = new byte[bytes];
            java.util.Arrays.fill(payload, (byte) 'x');
            try (PreparedStatement ps = c.prepareStatement("SELECT LENGTH(?)")) {
                ps.setBytes(1, payload);
                ps.executeQuery().close();
            }
        }
    };

    /** The pools' users' password. */
    static final String PASSWORD = "soak";

    private final String driver;

    SoakSql(String driver) {
        this.driver = driver;
    }

    static SoakSql of(DatabaseTarget.Kind kind) {
        return kind == DatabaseTarget.Kind.POSTGRESQL ? POSTGRESQL : MARIADB;
    }

    /** The JDBC driver's name in a URL ({@code jdbc:DRIVER://}). */
    String driver() {
        return driver;
    }

    /** Timeouts for the server's view, so that a hung server cannot hold the soak. */
    abstract void lookOnlyTimeouts(Properties p);

    /** The table the transactions update: a counter per pool and worker. */
    String createCounters() {
        return "CREATE TABLE IF NOT EXISTS soak_counters (pool varchar(64), worker int, n bigint, "
                + "PRIMARY KEY (pool, worker))";
    }

    abstract String insertCounter(String pool, int worker);

    /** A pool's user, allowed the transactions' table; nothing if it exists. */
    abstract void createUser(Statement s, String user) throws SQLException;

    /** Lets new sessions send the largest upload in one statement; nothing where they can already. */
    void allowUploads(Statement s) throws SQLException {
    }

    /** A query that keeps the server busy for its parameter's seconds, sending nothing meanwhile. */
    abstract String longQuery();

    /** An upload of {@code bytes}, more than the socket buffers hold when large. */
    abstract void upload(Connection c, String pool, int bytes) throws SQLException;
}

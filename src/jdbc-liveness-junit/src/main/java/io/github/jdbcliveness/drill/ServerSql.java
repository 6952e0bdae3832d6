package io.github.jdbcliveness.drill;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The server-side half of a drill: what the server says about a session, and how to end one. The server's view is
 * independent of the client library under test.
 */
public enum ServerSql {

    POSTGRESQL {
        @Override
        String otherSessionsSql() {
            return "SELECT pid, client_port FROM pg_stat_activity WHERE backend_type = 'client backend' "
                    + "AND pid <> pg_backend_pid() AND usename = ?";
        }

        @Override
        public String sleep(int seconds) {
            return "SELECT pg_sleep(" + seconds + ")";
        }

        @Override
        public long sessionId(Connection c) throws SQLException {
            return single(c, "SELECT pg_backend_pid()");
        }

        @Override
        public int clientPort(Connection c) throws SQLException {
            return (int) single(c, "SELECT inet_client_port()");
        }

        @Override
        public boolean running(Connection admin, long sessionId) throws SQLException {
            try (PreparedStatement ps = admin.prepareStatement(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND state = 'active'")) {
                ps.setInt(1, (int) sessionId);
                return count(ps) == 1;
            }
        }

        @Override
        public void terminate(Connection admin, long sessionId) throws SQLException {
            try (PreparedStatement ps = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
                ps.setInt(1, (int) sessionId);
                ps.execute();
            }
        }

        @Override
        public String version(Connection c) throws SQLException {
            return "PostgreSQL " + string(c, "SHOW server_version");
        }
    },

    MYSQL {
        @Override
        String otherSessionsSql() {
            return "SELECT id, host FROM information_schema.processlist WHERE id <> CONNECTION_ID() AND user = ?";
        }

        @Override
        public String sleep(int seconds) {
            return "SELECT SLEEP(" + seconds + ")";
        }

        @Override
        public long sessionId(Connection c) throws SQLException {
            return single(c, "SELECT CONNECTION_ID()");
        }

        @Override
        public int clientPort(Connection c) throws SQLException {
            String host = string(c, "SELECT host FROM information_schema.processlist WHERE id = CONNECTION_ID()");
            return Integer.parseInt(host.substring(host.lastIndexOf(':') + 1));
        }

        @Override
        public boolean running(Connection admin, long sessionId) throws SQLException {
            try (PreparedStatement ps = admin.prepareStatement(
                    "SELECT count(*) FROM information_schema.processlist WHERE id = ? AND command = 'Query'")) {
                ps.setLong(1, sessionId);
                return count(ps) == 1;
            }
        }

        @Override
        public void terminate(Connection admin, long sessionId) throws SQLException {
            try (Statement s = admin.createStatement()) {
                s.execute("KILL " + sessionId);
            } catch (SQLException e) {
                if (e.getErrorCode() != 1094) { // unknown thread: already gone
                    throw e;
                }
            }
        }

        @Override
        public String version(Connection c) throws SQLException {
            return string(c, "SELECT VERSION()");
        }
    };

    /** A client session the server holds: its id and the client port it sees. */
    public record Session(long id, int clientPort) {
    }

    abstract String otherSessionsSql();

    /** Every client session of {@code user} except the asking one (with the port, as the server sees it). */
    public List<Session> otherSessions(Connection admin, String user) throws SQLException {
        List<Session> sessions = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement(otherSessionsSql())) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sessions.add(new Session(rs.getLong(1), port(rs.getString(2))));
                }
            }
        }
        return sessions;
    }

    /**
     * The client port in what the server shows of a session: PostgreSQL's {@code client_port}, or the port after the
     * last colon of MySQL's and MariaDB's {@code host} ({@code 127.0.0.1:40312}); -1 when it shows none (a session
     * over a Unix socket: {@code localhost}, or a null or negative port).
     */
    static int port(String shown) {
        if (shown == null) {
            return -1;
        }
        String digits = shown.substring(shown.lastIndexOf(':') + 1);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 5) {
            return -1;
        }
        return Integer.parseInt(digits);
    }

    /** Ends every client session of {@code user} but the asking one; returns how many. */
    public int terminateOthers(Connection admin, String user) throws SQLException {
        List<Session> sessions = otherSessions(admin, user);
        for (Session s : sessions) {
            terminate(admin, s.id());
        }
        return sessions.size();
    }

    public static ServerSql of(DatabaseTarget.Kind kind) {
        return kind == DatabaseTarget.Kind.POSTGRESQL ? POSTGRESQL : MYSQL;
    }

    /** A statement that keeps the server busy for {@code seconds} without sending anything. */
    public abstract String sleep(int seconds);

    /** The server's id of this session (backend pid, connection id). */
    public abstract long sessionId(Connection c) throws SQLException;

    /** The client port the server sees for this session. */
    public abstract int clientPort(Connection c) throws SQLException;

    /** Whether the session is executing a statement right now, seen from another session. */
    public abstract boolean running(Connection admin, long sessionId) throws SQLException;

    /** Ends a session from the server side. */
    public abstract void terminate(Connection admin, long sessionId) throws SQLException;

    public abstract String version(Connection c) throws SQLException;

    static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String string(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The files under {@code sql/} run on real servers and say what they claim. */
class ServerSqlFilesIT {

    @Test
    void postgresqlSessions_listsThisSessionWithItsClientPort() throws Exception {
        DatabaseTarget pg = DatabaseTargets.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgresql"), pg.credentials())) {
            assertTrue(sessionsQueryListsPort(c, "sql/postgresql/sessions.sql", "client_port",
                    ServerSql.POSTGRESQL.clientPort(c)));
        }
    }

    @Test
    void mysqlSessions_listsThisSessionWithItsClientPort() throws Exception {
        DatabaseTarget db = DatabaseTargets.mysql();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl("mariadb"), db.credentials())) {
            int port = ServerSql.MYSQL.clientPort(c);
            assertTrue(sessionsQueryListsPort(c, "sql/mysql/sessions.sql", "host", port));
        }
    }

    @Test
    void postgresqlServerKeepalive_takesEffectForNewSessions() throws Exception {
        DatabaseTarget pg = DatabaseTargets.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgresql"), pg.credentials());
                Statement s = c.createStatement()) {
            for (String statement : statements("sql/postgresql/server-keepalive.sql")) {
                s.execute(statement);
            }
        }
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgresql"), pg.credentials())) {
            assertEquals("10", show(c, "tcp_keepalives_idle"));
            assertEquals("3", show(c, "tcp_keepalives_interval"));
            assertEquals("3", show(c, "tcp_keepalives_count"));
            assertEquals("30000", show(c, "tcp_user_timeout"), "milliseconds");
            assertEquals("10s", show(c, "client_connection_check_interval"));
        }
    }

    private static boolean sessionsQueryListsPort(Connection c, String file, String column, int port)
            throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(statements(file)[0])) {
            while (rs.next()) {
                String value = rs.getString(column);
                if (value != null && (value.equals(Integer.toString(port)) || value.endsWith(":" + port))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String show(Connection c, String setting) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The file's statements: comments dropped, split at semicolons that end a line. */
    static String[] statements(String file) throws Exception {
        StringBuilder sql = new StringBuilder();
        for (String line : Files.readAllLines(Path.of(file))) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(sql.toString().split(";\\s*\n")).map(String::strip)
                .filter(x -> !x.isEmpty()).toArray(String[]::new);
    }
}

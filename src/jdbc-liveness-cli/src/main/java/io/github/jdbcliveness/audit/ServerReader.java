package io.github.jdbcliveness.audit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads the server's own liveness settings over a connection; a setting the server lacks stays absent. */
final class ServerReader {

    private ServerReader() {
    }

    static ServerSettings read(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        String version = c.getMetaData().getDatabaseProductVersion();
        if (product.toLowerCase().contains("postgres")) {
            return new ServerSettings(ServerSettings.Kind.POSTGRESQL, version,
                    read(c, "SELECT name, setting FROM pg_settings WHERE name IN ("
                            + quoted(ServerSettings.POSTGRESQL_NAMES) + ")"));
        }
        Map<String, String> values = read(c, "SHOW VARIABLES WHERE Variable_name IN ("
                + quoted(ServerSettings.MYSQL_NAMES) + ")");
        String serverVersion = single(c, "SELECT VERSION()");
        boolean mariadb = serverVersion.toLowerCase().contains("mariadb") || product.toLowerCase().contains("mariadb");
        return new ServerSettings(mariadb ? ServerSettings.Kind.MARIADB : ServerSettings.Kind.MYSQL, serverVersion,
                values);
    }

    private static String quoted(java.util.List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }

    private static Map<String, String> read(Connection c, String sql) throws SQLException {
        Map<String, String> values = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.put(rs.getString(1).toLowerCase(), rs.getString(2));
            }
        }
        return values;
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }
}

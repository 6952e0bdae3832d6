package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.inflight.ProcNetTcp;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** The five settings {@code sql/postgresql/server-half.sql} writes, in the order the expected values are given. */
    /** The project's top directory, which holds sql/ (failsafe passes it; a run from this module's directory works). */
    private static final Path PROJECT = Path.of(System.getProperty("jdbcliveness.projectRoot", "../..")).toAbsolutePath()
            .normalize();
    private static final List<String> PG_SETTINGS = List.of("tcp_keepalives_idle", "tcp_keepalives_interval",
            "tcp_keepalives_count", "tcp_user_timeout", "client_connection_check_interval");
    private static final List<String> MARIADB_KEEPALIVE = List.of("tcp_keepalive_time", "tcp_keepalive_interval",
            "tcp_keepalive_probes");
    private static final List<String> NET_TIMEOUTS = List.of("net_read_timeout", "net_write_timeout");

    /** What {@code SHOW} says in a new session: idle, interval, count, tcp_user_timeout (ms), check interval. */
    @ParameterizedTest(name = "B = {0} s")
    @CsvSource({"4, 1, 1, 3, 4000, 1333ms", "6, 2, 1, 3, 5000, 2s", "30, 10, 3, 3, 19000, 10s"})
    void postgresqlServerHalf_givesNewSessionsTheBudgetsKeepalive(int budget, String idle, String interval,
            String count, String userTimeoutMs, String checkInterval) throws Exception {
        DatabaseTarget pg = DatabaseTargets.postgres();
        List<String> expected = List.of(idle, interval, count, userTimeoutMs, checkInterval);
        try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgresql"), pg.credentials())) {
            Map<String, String> before = postgresqlAutoConf(admin);
            try {
                Client run = Client.run(psql(pg, "-v", "budget=" + budget, "-f", "sql/postgresql/server-half.sql"),
                        pgPassword(pg));
                assertEquals(0, run.exit(), run.output());
                // pg_reload_conf() only signals the postmaster: sessions it forks before it has read the file get
                // the old values. Ask new sessions until one has the new ones.
                List<String> seen = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!expected.equals(seen) && System.nanoTime() < deadline) {
                    try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgresql"), pg.credentials())) {
                        seen = new ArrayList<>();
                        for (String setting : PG_SETTINGS) {
                            seen.add(show(c, setting));
                        }
                        if (expected.equals(seen)) {
                            assertServerSocketKeepalive(pg.port(), ServerSql.POSTGRESQL.clientPort(c),
                                    Integer.parseInt(idle));
                            break;
                        }
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                assertEquals(expected, seen, String.join(", ", PG_SETTINGS));
            } finally {
                restorePostgresql(admin, before);
            }
        }
    }

    @ParameterizedTest(name = "B = {0} s")
    @CsvSource({"4, 1, 1", "6, 2, 1", "30, 10, 3"})
    void mariadbServerHalf_setsTheBudgetsKeepaliveAndNetTimeouts(int budget, String idle, String interval)
            throws Exception {
        DatabaseTarget db = DatabaseTargets.mysql();
        List<String> names = new ArrayList<>(MARIADB_KEEPALIVE);
        names.addAll(NET_TIMEOUTS);
        List<String> expected = List.of(idle, interval, "3", Integer.toString(budget), Integer.toString(budget));
        try (Connection admin = DriverManager.getConnection(db.jdbcUrl("mariadb"), db.credentials())) {
            Map<String, String> before = globals(admin, names);
            try {
                Client run = Client.run(mariadb(db, "SET @budget = " + budget), "sql/mariadb/server-half.sql");
                assertEquals(0, run.exit(), run.output());
                assertEquals(expected, List.copyOf(globals(admin, names).values()), "@@GLOBAL " + names);
                try (Connection c = DriverManager.getConnection(db.jdbcUrl("mariadb"), db.credentials())) {
                    // The keepalive variables are global only: the kernel's view of the new session's socket shows
                    // them applied; the net timeouts are session variables a new session starts with.
                    assertEquals(expected.subList(3, 5), sessionValues(c, NET_TIMEOUTS), "a new session's "
                            + NET_TIMEOUTS);
                    assertServerSocketKeepalive(db.port(), ServerSql.MYSQL.clientPort(c), Integer.parseInt(idle));
                }
            } finally {
                setGlobals(admin, before);
            }
        }
    }

    /** No MySQL server runs here: the MySQL file runs on the embedded MariaDB, whose variables it shares. */
    @ParameterizedTest(name = "B = {0} s")
    @ValueSource(ints = {6, 30})
    void mysqlServerHalf_setsTheNetTimeoutsOnly(int budget) throws Exception {
        DatabaseTarget db = DatabaseTargets.mysql();
        try (Connection admin = DriverManager.getConnection(db.jdbcUrl("mariadb"), db.credentials())) {
            Map<String, String> before = globals(admin, NET_TIMEOUTS);
            Map<String, String> keepalive = globals(admin, MARIADB_KEEPALIVE);
            try {
                Client run = Client.run(mariadb(db, "SET @budget = " + budget), "sql/mysql/server-half.sql");
                assertEquals(0, run.exit(), run.output());
                assertEquals(List.of(Integer.toString(budget), Integer.toString(budget)),
                        List.copyOf(globals(admin, NET_TIMEOUTS).values()), "@@GLOBAL " + NET_TIMEOUTS);
                assertEquals(keepalive, globals(admin, MARIADB_KEEPALIVE), "MySQL has no such variables to set");
            } finally {
                setGlobals(admin, before);
            }
        }
    }

    @Test
    void serverHalves_withoutABudgetOrUnderFourSeconds_stopBeforeChangingAnything() throws Exception {
        DatabaseTarget pg = DatabaseTargets.postgres();
        try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgresql"), pg.credentials())) {
            Map<String, String> before = postgresqlAutoConf(admin);
            Client run = Client.run(psql(pg, "-f", "sql/postgresql/server-half.sql"),
                    pgPassword(pg));
            assertNotEquals(0, run.exit(), run.output());
            assertTrue(run.output().contains("no budget: run psql -v budget=SECONDS"), run.output());
            Client small = Client.run(psql(pg, "-v", "budget=3", "-f", "sql/postgresql/server-half.sql"),
                    pgPassword(pg));
            assertNotEquals(0, small.exit(), small.output());
            assertTrue(small.output().contains("at least 4 seconds"), small.output());
            assertEquals(before, postgresqlAutoConf(admin));
        }
        DatabaseTarget db = DatabaseTargets.mysql();
        List<String> names = new ArrayList<>(MARIADB_KEEPALIVE);
        names.addAll(NET_TIMEOUTS);
        try (Connection admin = DriverManager.getConnection(db.jdbcUrl("mariadb"), db.credentials())) {
            Map<String, String> before = globals(admin, names);
            for (String file : List.of("sql/mariadb/server-half.sql", "sql/mysql/server-half.sql")) {
                for (String set : List.of("SET @unrelated = 1", "SET @budget = 3")) {
                    Client run = Client.run(mariadb(db, set), file);
                    assertNotEquals(0, run.exit(), file + ": " + run.output());
                    assertTrue(run.output().contains("SET @budget = SECONDS (at least 4) before SOURCE"),
                            file + ": " + run.output());
                }
            }
            assertEquals(before, globals(admin, names));
        }
    }

    /**
     * The server's end of a session, as the kernel shows it once idle: its keepalive timer runs with at most
     * {@code idle} seconds left (the kernel's default would be 7200 s; no keepalive, no timer at all).
     */
    private static void assertServerSocketKeepalive(int serverPort, int clientPort, int idle) throws Exception {
        assertTrue(ProcNetTcp.available(), "no /proc/net/tcp on this system");
        ProcNetTcp.Entry entry = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        do {
            entry = ProcNetTcp.find(serverPort, clientPort).orElse(null);
            if (entry != null && entry.timer() == ProcNetTcp.TIMER_KEEPALIVE) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // an ACK or loss-probe timer still pending
        } while (System.nanoTime() < deadline);
        assertNotNull(entry, "the server's socket " + serverPort + " -> " + clientPort);
        assertEquals(ProcNetTcp.TIMER_KEEPALIVE, entry.timer(), "the server socket's timer: " + entry);
        assertTrue(entry.timerTicks() <= idle * ProcNetTcp.Entry.TICKS_PER_SECOND,
                "keepalive due in " + entry.timerTicks() + " ticks, idle is " + idle + " s");
    }

    /** The file-set values of the five settings in postgresql.auto.conf (what ALTER SYSTEM wrote before). */
    private static Map<String, String> postgresqlAutoConf(Connection admin) throws Exception {
        Map<String, String> values = new TreeMap<>();
        try (PreparedStatement ps = admin.prepareStatement("SELECT name, setting FROM pg_file_settings "
                + "WHERE sourcefile LIKE '%postgresql.auto.conf' AND name = ANY (?) ORDER BY seqno")) {
            ps.setArray(1, admin.createArrayOf("text", PG_SETTINGS.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return values;
    }

    /** Puts postgresql.auto.conf back as it was: other drills share the server. */
    private static void restorePostgresql(Connection admin, Map<String, String> before) throws Exception {
        try (Statement s = admin.createStatement()) {
            for (String setting : PG_SETTINGS) {
                String value = before.get(setting);
                s.execute(value == null ? "ALTER SYSTEM RESET " + setting
                        : "ALTER SYSTEM SET " + setting + " = '" + value.replace("'", "''") + "'");
            }
            s.execute("SELECT pg_reload_conf()");
        }
        assertEquals(before, postgresqlAutoConf(admin), "postgresql.auto.conf restored");
    }

    private static Map<String, String> globals(Connection c, List<String> names) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : names) {
            values.put(name, ServerSql.string(c, "SELECT @@GLOBAL." + name));
        }
        return values;
    }

    private static List<String> sessionValues(Connection c, List<String> names) throws Exception {
        List<String> values = new ArrayList<>();
        for (String name : names) {
            values.add(ServerSql.string(c, "SELECT @@SESSION." + name));
        }
        return values;
    }

    private static void setGlobals(Connection admin, Map<String, String> values) throws Exception {
        try (Statement s = admin.createStatement()) {
            for (Map.Entry<String, String> e : values.entrySet()) {
                s.execute("SET GLOBAL " + e.getKey() + " = " + Long.parseLong(e.getValue()));
            }
        }
        assertEquals(values, globals(admin, List.copyOf(values.keySet())), "globals restored");
    }

    private static Map<String, String> pgPassword(DatabaseTarget pg) {
        return pg.password() == null ? Map.of() : Map.of("PGPASSWORD", pg.password());
    }

    /** psql, as a user runs the file; skipped with the reason without it (failed where CI requires drills to run). */
    private static List<String> psql(DatabaseTarget pg, String... args) {
        boolean onPath = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, "psql")));
        Drills.requireTool(onPath, "psql is missing (apt-get install postgresql-client): the file is run as a user "
                + "would run it");
        String url = pg.jdbcUrl("postgresql");
        String database = url.substring(url.lastIndexOf('/') + 1).replaceFirst("\\?.*", "");
        List<String> command = new ArrayList<>(List.of("psql", "-X", "-q", "-h", pg.host(),
                "-p", Integer.toString(pg.port()), "-U", pg.username(), "-d", database));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The {@code mariadb} client that came with the embedded server (else the one on the PATH), run as sql/README
     * says: the budget set by {@code --init-command}, the file on standard input.
     */
    private static List<String> mariadb(DatabaseTarget db, String initCommand) {
        String client = db instanceof EmbeddedMariaDbTarget embedded ? embedded.client().getAbsolutePath()
                : "mariadb";
        return List.of(client, "--no-defaults", "--protocol=TCP", "--skip-ssl", "-h", db.host(),
                "-P", Integer.toString(db.port()), "-u", db.username(), "--password=" + db.password(),
                "--init-command=" + initCommand);
    }

    /** A command-line client run to its end, with its output (stdout and stderr). */
    private record Client(int exit, String output) {
        static Client run(List<String> command, String stdin) throws Exception {
            return run(command, Map.of(), ProcessBuilder.Redirect.from(PROJECT.resolve(stdin).toFile()));
        }

        static Client run(List<String> command, Map<String, String> env) throws Exception {
            return run(command, env, ProcessBuilder.Redirect.from(new File("/dev/null")));
        }

        private static Client run(List<String> command, Map<String, String> env, ProcessBuilder.Redirect stdin)
                throws Exception {
            Path out = Files.createTempFile("jdbc-liveness-client", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).redirectInput(stdin);
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(command.get(0) + " did not end within 60 s: " + Files.readString(out));
                }
                return new Client(p.exitValue(), Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
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
        for (String line : Files.readAllLines(PROJECT.resolve(file))) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(sql.toString().split(";\\s*\n")).map(String::strip)
                .filter(x -> !x.isEmpty()).toArray(String[]::new);
    }
}

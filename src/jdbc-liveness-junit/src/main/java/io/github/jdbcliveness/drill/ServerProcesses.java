package io.github.jdbcliveness.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The processes of a database server on this machine, for a drill that stops them with SIGSTOP (a hung server whose
 * kernel still ACKs). PostgreSQL: the postmaster (the parent of a session's backend) and every process it started.
 * MySQL and MariaDB: the one server process, named by its pid file.
 */
public final class ServerProcesses {

    /** What {@code /proc/PID/comm} says for a database server's main process. */
    private static final java.util.Set<String> SERVER_COMMANDS = java.util.Set.of("postgres", "postmaster", "mariadbd",
            "mysqld");

    private ServerProcesses() {
    }

    /**
     * The server's processes, or why they cannot be stopped from here: the server is not on this machine, its pid
     * cannot be read, or it belongs to another user and this process is not root.
     *
     * @param session a session on the server, asked for the process ids
     */
    public static Result find(DatabaseTarget target, Connection session) {
        if (!isLoopback(target.host())) {
            return Result.no("the server (" + target.host() + ") is not on this machine");
        }
        try {
            List<Long> pids = target.kind() == DatabaseTarget.Kind.POSTGRESQL ? postgres(session) : mysql(session);
            if (pids.isEmpty()) {
                return Result.no("the server's processes were not found in /proc");
            }
            String command = command(pids.get(0));
            if (!SERVER_COMMANDS.contains(command)) {
                // A session's pid from a server elsewhere (a container behind a published port) names another
                // process here: never stop that.
                return Result.no("process " + pids.get(0) + " here is " + command + ", not the database server (a "
                        + "server in a container or behind a proxy)");
            }
            String me = System.getProperty("user.name");
            Optional<String> owner = ProcessHandle.of(pids.get(0)).flatMap(p -> p.info().user());
            if (!"root".equals(me) && owner.isPresent() && !owner.get().equals(me)) {
                return Result.no("the server runs as " + owner.get() + ", this JVM as " + me + " (not root)");
            }
            return new Result(List.copyOf(pids), null);
        } catch (SQLException | IOException | RuntimeException e) {
            return Result.no("the server's processes could not be found (" + e.getMessage() + ")");
        }
    }

    /**
     * Sends {@code signal} ({@code STOP}, {@code CONT}) to every pid, even after one fails (a CONT must reach them
     * all); a process already gone is skipped. Throws once at the end, naming every pid that failed.
     */
    public static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        List<String> failed = new ArrayList<>();
        for (long pid : pids) {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0 && ProcessHandle.of(pid).isPresent()) {
                failed.add(pid + " (" + out.trim() + ")");
            }
        }
        if (!failed.isEmpty()) {
            throw new IOException("kill -" + signal + " failed for " + failed);
        }
    }

    /** The pids, or the reason there are none. */
    public record Result(List<Long> pids, String unavailableReason) {
        static Result no(String why) {
            return new Result(List.of(), why);
        }

        public boolean found() {
            return unavailableReason == null;
        }
    }

    /** Whether {@code host} names this machine's loopback. */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    private static List<Long> postgres(Connection session) throws SQLException, IOException {
        long backend = queryLong(session, "SELECT pg_backend_pid()");
        if (!ProcessHandle.of(backend).isPresent() || !SERVER_COMMANDS.contains(command(backend))) {
            return List.of(); // not a process of this machine's: the server runs elsewhere
        }
        long postmaster = parent(backend);
        if (postmaster <= 1) {
            return List.of();
        }
        List<Long> all = new ArrayList<>();
        all.add(postmaster);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && parentOrMinusOne(Long.parseLong(name)) == postmaster) {
                    all.add(Long.parseLong(name));
                }
            }
        }
        return all;
    }

    private static List<Long> mysql(Connection session) throws SQLException, IOException {
        String pidFile;
        try (Statement s = session.createStatement(); ResultSet rs = s.executeQuery("SELECT @@pid_file")) {
            rs.next();
            pidFile = rs.getString(1);
        }
        long pid = Long.parseLong(Files.readString(Path.of(pidFile)).trim());
        return ProcessHandle.of(pid).isPresent() ? List.of(pid) : List.of();
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long parentOrMinusOne(long pid) {
        try {
            return parent(pid);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String command(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The parent pid: the 4th field of /proc/PID/stat, after the parenthesised command name. */
    static long parent(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(after[1]);
    }
}

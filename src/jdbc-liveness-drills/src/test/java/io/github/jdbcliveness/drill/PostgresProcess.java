package io.github.jdbcliveness.drill;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 15 from Debian's packages ({@code postgresql-15}, {@code /usr/lib/postgresql/15/bin}), run by the
 * drill in a temp dir of its own: a primary from {@code initdb}, or a streaming standby of another from
 * {@code pg_basebackup -R}. It listens on 127.0.0.1 on a port of its own, with no Unix socket, and runs as the
 * {@code postgres} user (PostgreSQL refuses to run as root); the package's own system cluster is never touched.
 * Closing stops it with {@code pg_ctl stop -m immediate}, then, if the postmaster whose PID it recorded at its start
 * is still there, kills that process alone, and deletes the dir.
 */
final class PostgresProcess implements DatabaseTarget, AutoCloseable {

    static final String BIN = "/usr/lib/postgresql/15/bin";
    private static final String RUN_AS = "postgres";
    private static final long TOOL_TIMEOUT_SECONDS = 60;
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(10);

    private final String name;
    private final Path dir;
    private final Path data;
    private final File log;
    private int port = -1;
    /** The postmaster this object started; the handle guards against a reused PID. */
    private ProcessHandle postmaster;

    private PostgresProcess(String name, Path dir) {
        this.name = name;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.log = ServerLogs.file("postgresql-15-" + name);
    }

    /** Why PostgreSQL 15 cannot run here, or null. */
    static String unavailableReason() {
        for (String tool : List.of("postgres", "initdb", "pg_ctl", "pg_basebackup")) {
            if (!new File(BIN, tool).canExecute()) {
                return BIN + "/" + tool + " is missing (Debian package postgresql-15)";
            }
        }
        if (!new File("/usr/sbin/runuser").canExecute() && !new File("/sbin/runuser").canExecute()) {
            return "runuser is missing: PostgreSQL must run as a non-root user";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the drill starts PostgreSQL as " + RUN_AS + " with runuser, which needs root (this JVM runs as "
                    + System.getProperty("user.name") + ")";
        }
        try {
            Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(RUN_AS);
        } catch (UserPrincipalNotFoundException e) {
            return "no " + RUN_AS + " user (the package postgresql-common creates it)";
        } catch (IOException e) {
            return "the " + RUN_AS + " user cannot be looked up: " + e.getMessage();
        }
        return null;
    }

    /** A new cluster ({@code initdb}), started as a primary; returns once it accepts connections. */
    static PostgresProcess primary(String name) throws IOException {
        PostgresProcess server = new PostgresProcess(name, ownedTempDir(name));
        try {
            server.runAsPostgres(BIN + "/initdb", "-D", server.data.toString(), "-U", RUN_AS, "--auth=trust",
                    "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");
            // pg_basebackup copies these to a standby. fsync = off: a throwaway cluster; the drill is about where
            // writes go, not whether they survive a crash of this machine.
            Files.writeString(server.data.resolve("postgresql.conf"), String.join("\n", "",
                    "listen_addresses = '127.0.0.1'",
                    "unix_socket_directories = ''",
                    "fsync = off",
                    ""), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            server.start();
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * A hot standby of this server: {@code pg_basebackup -R} (a base backup and the {@code primary_conninfo} to stream
     * from it), started; returns once it accepts read-only connections.
     */
    PostgresProcess standby(String standbyName) throws IOException {
        PostgresProcess server = new PostgresProcess(standbyName, ownedTempDir(standbyName));
        try {
            server.runAsPostgres(BIN + "/pg_basebackup", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U",
                    RUN_AS, "-D", server.data.toString(), "-R", "--checkpoint=fast", "--no-sync");
            server.start();
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static Path ownedTempDir(String name) throws IOException {
        Path dir = Files.createTempDirectory("jdbc-liveness-pg15-" + name);
        UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(RUN_AS);
        Files.setOwner(dir, owner);
        return dir;
    }

    private void start() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free now; the postmaster binds it a moment later (a race we accept here)
        }
        // Without -l the postmaster keeps pg_ctl's output, the log file this JVM opened.
        runAsPostgres(BIN + "/pg_ctl", "start", "-w", "-t", "30", "-D", data.toString(), "-o",
                "-p " + port + " -c cluster_name=jdbc-liveness-" + name);
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IOException("PostgreSQL " + name
                + ": postmaster " + pid + " is gone right after its start; its log: " + log));
    }

    /** Runs a PostgreSQL tool as the postgres user, its output to this server's log; fails on a non-zero exit. */
    private void runAsPostgres(String... command) throws IOException {
        List<String> line = new ArrayList<>(List.of("runuser", "-u", RUN_AS, "--"));
        line.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        // PGPORT, PGHOST, PGDATA... of the caller's shell must not point a tool elsewhere.
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        Process p = pb.start();
        try {
            if (!p.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command[0] + " did not finish within " + TOOL_TIMEOUT_SECONDS + " s; its log: "
                        + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + "; its log: " + log);
        }
    }

    String name() {
        return name;
    }

    File log() {
        return log;
    }

    @Override
    public Kind kind() {
        return Kind.POSTGRESQL;
    }

    @Override
    public String origin() {
        return "Debian postgresql-15";
    }

    @Override
    public String jdbcUrl(String driver) {
        return "jdbc:" + driver + "://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String username() {
        return RUN_AS;
    }

    @Override
    public String password() {
        return null;
    }

    /**
     * Whether the process has exited by the deadline. An exited postmaster stays a zombie until its parent reaps it,
     * and pg_ctl's postmaster is an orphan: PID 1 reaps it when it gets to it, seconds later in some containers.
     */
    private static boolean exited(ProcessHandle process, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (process.isAlive() && !zombie(process.pid())) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return true;
    }

    /** The state in /proc/PID/stat, the field after the parenthesised command name. */
    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return true; // gone
        }
    }

    @Override
    public void close() {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                runAsPostgres(BIN + "/pg_ctl", "stop", "-w", "-t", "10", "-m", "immediate", "-D", data.toString());
            } catch (IOException e) {
                ServerLogs.append(log, "pg_ctl stop failed (" + e.getMessage() + "); killing postmaster "
                        + Optional.ofNullable(postmaster).map(ProcessHandle::pid).orElse(-1L));
            }
        }
        if (postmaster != null && !exited(postmaster, STOP_DEADLINE)) {
            // Only the process this object started: its backends exit when they see their postmaster gone.
            postmaster.destroyForcibly();
            exited(postmaster, STOP_DEADLINE);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            ServerLogs.append(log, "could not delete " + dir + ": " + e);
        }
    }
}

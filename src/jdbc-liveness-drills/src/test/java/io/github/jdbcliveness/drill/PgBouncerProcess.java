package io.github.jdbcliveness.drill;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A real PgBouncer (Debian's {@code pgbouncer}, 1.18 on bookworm) in front of a PostgreSQL server, run as a child
 * process of the drill: its own ini in a temp dir, {@code listen_addr = 127.0.0.1} on a port of its own, no Unix
 * socket, run as {@code nobody} (PgBouncer refuses to run as root), never a system service. Stopped by its own PID
 * (from its pid file) and by the handle of the process we started; the temp dir is deleted.
 */
final class PgBouncerProcess implements AutoCloseable {

    static final String BINARY = "/usr/sbin/pgbouncer";
    private static final String RUN_AS = "nobody";

    private final Process process;
    private final Path dir;
    private final int port;
    private final File log;

    private PgBouncerProcess(Process process, Path dir, int port, File log) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.log = log;
    }

    /** Why PgBouncer cannot run here, or null. */
    static String unavailableReason() {
        if (!new File(BINARY).canExecute()) {
            return BINARY + " is missing (Debian package pgbouncer)";
        }
        if (!new File("/usr/sbin/runuser").canExecute() && !new File("/sbin/runuser").canExecute()) {
            return "runuser is missing: PgBouncer must run as a non-root user";
        }
        return null;
    }

    /**
     * Starts PgBouncer in session mode for database {@code postgres} on {@code serverPort}, trusting user
     * {@code user}, admitting at most {@code maxClientConn} clients; returns once it accepts connections.
     */
    static PgBouncerProcess start(String serverHost, int serverPort, String user, int maxClientConn)
            throws IOException {
        Path dir = Files.createTempDirectory("pgbouncer");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free now; PgBouncer binds it a moment later (a race we accept on a test box)
        }
        Files.writeString(dir.resolve("userlist.txt"), "\"" + user + "\" \"\"\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                "[databases]",
                "postgres = host=" + serverHost + " port=" + serverPort + " dbname=postgres user=" + user,
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = trust",
                "auth_file = " + dir.resolve("userlist.txt"),
                "pool_mode = session",
                "max_client_conn = " + maxClientConn,
                "default_pool_size = " + (maxClientConn + 5),
                // pgjdbc sends extra_float_digits as a startup parameter; PgBouncer refuses unknown ones.
                "ignore_startup_parameters = extra_float_digits",
                "pidfile = " + dir.resolve("pgbouncer.pid"),
                ""), StandardCharsets.UTF_8);
        UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(RUN_AS);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.setOwner(p, owner);
            }
        }
        Files.setOwner(dir, owner);
        File log = ServerLogs.file("pgbouncer");
        Process p = new ProcessBuilder(List.of("runuser", "-u", RUN_AS, "--", BINARY, dir.resolve("pgbouncer.ini")
                .toString())).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        PgBouncerProcess bouncer = new PgBouncerProcess(p, dir, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!bouncer.accepts()) {
            if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                bouncer.close();
                throw new IOException("PgBouncer did not start listening on 127.0.0.1:" + port + "; its log: " + log);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return bouncer;
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    int port() {
        return port;
    }

    File log() {
        return log;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public void close() {
        try {
            Path pidFile = dir.resolve("pgbouncer.pid");
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                // Our own PgBouncer, by the PID it wrote: runuser does not always pass a SIGTERM on.
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.destroy();
                    try {
                        h.onExit().get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        h.destroyForcibly();
                    }
                });
            }
        } catch (IOException | NumberFormatException e) {
            // no pid file yet: the process handle below ends it
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp dir
        }
    }
}

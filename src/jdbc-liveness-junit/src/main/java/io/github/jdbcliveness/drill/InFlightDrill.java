package io.github.jdbcliveness.drill;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.KeepaliveDataSource;
import io.github.jdbcliveness.KeepaliveSettings;
import io.github.jdbcliveness.inflight.ProcNetTcp;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-flight drill: a long statement ({@code pg_sleep(60)} / {@code SLEEP(60)}) is in flight on two HikariCP
 * pools side by side — one plain, one whose sockets carry keepalive derived from the budget — and once the server
 * runs it and the request is acknowledged, both flows are blackholed by nft. Keepalive probes are sent while
 * nothing is unacknowledged, so the tuned connection must fail within {@code idle + count × interval}; the plain
 * one keeps waiting (its kernel would take 2 h 11 min, or forever without SO_KEEPALIVE) and is ended with
 * {@code abort()}.
 */
public final class InFlightDrill {

    /** When the fault comes, counted from the start of the statement (the request must be acknowledged). */
    static final Duration FAULT_AFTER = Duration.ofSeconds(1);
    /** The margin the drill grants on top of keepalive's own detection time. */
    static final Duration MARGIN = Duration.ofSeconds(2);
    private static final int SLEEP_SECONDS = 60;
    private static final Logger LOG = LoggerFactory.getLogger(InFlightDrill.class);
    /** How long {@code abort()} gets to free a statement before the drill heals the path to free it. */
    static final Duration ABORT_GRACE = Duration.ofSeconds(2);

    private InFlightDrill() {
    }

    /**
     * How one pool's statement ended.
     *
     * @param failedAfterFault time from the fault to the driver's error, or null when it was still waiting at the
     *                         deadline
     * @param error            SQLState and message of the error, or of what {@code abort()} caused
     * @param abortTook        how long {@code abort()} took to free a waiting statement, or null
     * @param note             what happened when {@code abort()} did not free it, or null
     */
    public record Outcome(String label, Duration failedAfterFault, String error, Duration abortTook, String note) {
        public boolean detected() {
            return failedAfterFault != null;
        }
    }

    /** Both pools' outcomes, and what the drill did. */
    public record Report(String server, String origin, String driver, Duration budget, KeepaliveSettings keepalive,
            Duration deadline, Duration faultAfterStart, AppliedKeepalive applied, Outcome plain, Outcome layered) {

        public String format() {
            StringBuilder s = new StringBuilder();
            s.append("In-flight drill: ").append(server).append(" (").append(origin).append(") via ").append(driver)
                    .append(", two HikariCP pools of one connection\n");
            s.append("  a 60 s statement is running and acknowledged; both flows blackholed by nft ")
                    .append(seconds(faultAfterStart)).append(" after it started\n");
            s.append("  detection budget ").append(seconds(budget)).append(" -> keepalive ").append(keepalive)
                    .append("; watched for ").append(seconds(deadline)).append(" after the fault\n\n");
            s.append(String.format(Locale.ROOT, "  %-42s %s%n", "pool", "the statement, counted from the fault"));
            for (Outcome o : List.of(plain, layered)) {
                String result = o.detected()
                        ? "failed after " + seconds(o.failedAfterFault()) + ": " + o.error()
                        : "still waiting after " + seconds(deadline) + " -> " + (o.abortTook() != null
                                ? "abort() ended it in " + seconds(o.abortTook()) : o.note());
                s.append(String.format(Locale.ROOT, "  %-42s %s%n", o.label(), result));
            }
            s.append("\n  keepalive on the tuned socket: ").append(applied).append('\n');
            return s.toString();
        }
    }

    static String seconds(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }

    /**
     * Runs the drill once. Needs kernel faults ({@link NftFaults#unavailableReason()}).
     *
     * @param driver {@code postgresql}, {@code mysql} (Connector/J) or {@code mariadb}
     */
    public static Report run(DatabaseTarget target, String driver, Duration budget)
            throws SQLException, InterruptedException, IOException {
        KeepaliveSettings keepalive = KeepaliveSettings.forBudget(budget);
        Duration deadline = keepalive.detectionTime().plus(MARGIN);
        ServerSql server = ServerSql.of(target.kind());
        String url = target.jdbcUrl(driver);
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "in-flight-drill");
            t.setDaemon(true);
            return t;
        });
        HikariConfig layeredConfig = target.hikariConfig(driver, "in-flight-liveness", 1);
        KeepaliveDataSource keepaliveSource = KeepaliveDataSource.install(layeredConfig, keepalive);
        // Faults are declared last so they are healed first: the pools' shutdown must not meet a dead path.
        try (Connection admin = DriverManager.getConnection(url, target.credentials());
                HikariDataSource plainPool = new HikariDataSource(target.hikariConfig(driver, "in-flight-plain", 1));
                HikariDataSource layeredPool = new HikariDataSource(layeredConfig);
                NftFaults faults = NftFaults.open()) {
            Session plain = Session.open(plainPool, server, "HikariCP + " + driverName(driver) + " defaults");
            Session layered = Session.open(layeredPool, server, "HikariCP + jdbc-liveness");
            AppliedKeepalive applied = keepaliveSource.applied(layered.connection).orElse(null);
            try {
                long start = System.nanoTime();
                plain.start(executor, server);
                layered.start(executor, server);
                awaitRunningAndAcknowledged(admin, server, target.port(), plain);
                awaitRunningAndAcknowledged(admin, server, target.port(), layered);
                Waits.parkUntil(start + FAULT_AFTER.toNanos());
                faults.dropFlows(target.port(), List.of(plain.clientPort, layered.clientPort));
                long fault = System.nanoTime();
                long watchUntil = fault + deadline.toNanos();
                plain.awaitUntil(watchUntil);
                layered.awaitUntil(watchUntil);
                // What still waits at the deadline is aborted; abort() gets ABORT_GRACE to free it.
                plain.abortIfWaiting(executor);
                layered.abortIfWaiting(executor);
                plain.awaitAbort();
                layered.awaitAbort();
                if (plain.stuck() || layered.stuck()) {
                    // MariaDB Connector/J's abort() sends KILL on a new connection, then reads the dead socket.
                    faults.heal();
                    for (Session stuck : List.of(plain, layered)) {
                        if (stuck.stuck()) {
                            server.terminate(admin, stuck.sessionId);
                        }
                    }
                    plain.awaitRelease();
                    layered.awaitRelease();
                }
                return new Report(server.version(admin), target.origin(), driverName(driver), budget, keepalive,
                        deadline, Duration.ofNanos(fault - start), applied, plain.outcome(fault),
                        layered.outcome(fault));
            } finally {
                SQLException cleanup = null;
                faults.heal();
                for (Session session : List.of(plain, layered)) {
                    try {
                        server.terminate(admin, session.sessionId);
                    } catch (SQLException e) {
                        cleanup = cleanup == null ? e : cleanup;
                    }
                    closeQuietly(session.connection);
                }
                if (cleanup != null) {
                    LOG.warn("could not end a drill session server-side", cleanup);
                }
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /** How a statement ended: when, and with what error (null when it completed). */
    private record End(long nanos, SQLException error) {
    }

    /** One pool's connection and the drill's statement on it. */
    private static final class Session {
        final String label;
        final Connection connection;
        final long sessionId;
        final int clientPort;
        Future<End> run;
        End ended;
        boolean waitingAtDeadline;
        long abortStart;
        Duration abortTook;
        boolean releasedByHeal;

        private Session(String label, Connection connection, long sessionId, int clientPort) {
            this.label = label;
            this.connection = connection;
            this.sessionId = sessionId;
            this.clientPort = clientPort;
        }

        static Session open(HikariDataSource pool, ServerSql server, String label) throws SQLException {
            Connection c = pool.getConnection();
            try {
                return new Session(label, c, server.sessionId(c), server.clientPort(c));
            } catch (SQLException e) {
                closeQuietly(c);
                throw e;
            }
        }

        void start(ExecutorService executor, ServerSql server) {
            run = executor.submit(() -> execute(connection, server.sleep(SLEEP_SECONDS)));
        }

        void awaitUntil(long nanoTime) throws InterruptedException {
            ended = get(run, nanoTime - System.nanoTime());
            waitingAtDeadline = ended == null;
        }

        void abortIfWaiting(ExecutorService executor) throws SQLException {
            if (!waitingAtDeadline) {
                return;
            }
            abortStart = System.nanoTime();
            Connection physical = connection.unwrap(Connection.class);
            executor.submit(() -> {
                physical.abort(executor);
                return null;
            });
        }

        void awaitAbort() throws InterruptedException {
            if (waitingAtDeadline && get(run, abortStart + ABORT_GRACE.toNanos() - System.nanoTime()) != null) {
                abortTook = Duration.ofNanos(System.nanoTime() - abortStart);
            }
        }

        boolean stuck() {
            return waitingAtDeadline && abortTook == null;
        }

        void awaitRelease() throws InterruptedException {
            if (stuck()) {
                releasedByHeal = get(run, TimeUnit.SECONDS.toNanos(30)) != null;
            }
        }

        Outcome outcome(long fault) {
            if (!waitingAtDeadline) {
                return new Outcome(label, Duration.ofNanos(ended.nanos() - fault), ended.error() == null
                        ? "completed without error (no fault seen?)" : describe(ended.error()), null, null);
            }
            if (abortTook != null) {
                return new Outcome(label, null, null, abortTook, null);
            }
            return new Outcome(label, null, null, null, "abort() did not free it within " + seconds(ABORT_GRACE)
                    + (releasedByHeal ? "; it ended only after the path was healed and the session killed "
                            + "server-side" : "; still blocked 30 s after the path was healed"));
        }

        private static End get(Future<End> run, long nanos) throws InterruptedException {
            try {
                return run.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return null;
            } catch (ExecutionException e) {
                return new End(System.nanoTime(), new SQLException(e.getCause()));
            }
        }
    }

    /** The driver's name for reports: {@code postgresql} is pgjdbc, and so on. */
    public static String driverName(String driver) {
        return switch (driver) {
            case "postgresql" -> "pgjdbc";
            case "mysql" -> "MySQL Connector/J";
            case "mariadb" -> "MariaDB Connector/J";
            default -> driver;
        };
    }

    /** Runs the statement; an error is the expected end, so it is returned with the moment it came. */
    private static End execute(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            return new End(System.nanoTime(), null);
        } catch (SQLException e) {
            return new End(System.nanoTime(), e);
        }
    }

    private static void awaitRunningAndAcknowledged(Connection admin, ServerSql server, int serverPort,
            Session s) throws SQLException, IOException {
        long session = s.sessionId;
        int clientPort = s.clientPort;
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            boolean running = server.running(admin, session);
            boolean acknowledged = !ProcNetTcp.available() || ProcNetTcp.find(clientPort, serverPort)
                    .map(e -> e.txQueue() == 0).orElse(false);
            if (running && acknowledged) {
                return;
            }
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("session " + session + " did not show a running, acknowledged "
                        + "statement within 10 s (running=" + running + ", acknowledged=" + acknowledged + ")");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    static String describe(Throwable t) {
        StringBuilder s = new StringBuilder();
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            s.append(sql.getSQLState()).append(' ');
        }
        s.append(firstLine(t.getMessage()));
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != t) {
            s.append(" (").append(firstLine(root.getMessage())).append(')');
        }
        return s.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // the connection is dead or aborted; the pool evicts it
        }
    }
}

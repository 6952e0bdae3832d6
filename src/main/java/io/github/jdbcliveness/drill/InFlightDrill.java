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
        HikariConfig layeredConfig = poolConfig("in-flight-liveness", url, target);
        KeepaliveDataSource keepaliveSource = KeepaliveDataSource.install(layeredConfig, keepalive);
        try (NftFaults faults = NftFaults.open();
                Connection admin = DriverManager.getConnection(url, target.credentials());
                HikariDataSource plainPool = new HikariDataSource(poolConfig("in-flight-plain", url, target));
                HikariDataSource layeredPool = new HikariDataSource(layeredConfig)) {
            Connection plain = plainPool.getConnection();
            Connection layered = layeredPool.getConnection();
            long plainSession = server.sessionId(plain);
            long layeredSession = server.sessionId(layered);
            int plainPort = server.clientPort(plain);
            int layeredPort = server.clientPort(layered);
            AppliedKeepalive applied = keepaliveSource.applied(layered).orElse(null);
            try {
                long start = System.nanoTime();
                Future<Long> plainRun = executor.submit(() -> execute(plain, server.sleep(SLEEP_SECONDS)));
                Future<Long> layeredRun = executor.submit(() -> execute(layered, server.sleep(SLEEP_SECONDS)));
                awaitRunningAndAcknowledged(admin, server, target.port(), plainSession, plainPort);
                awaitRunningAndAcknowledged(admin, server, target.port(), layeredSession, layeredPort);
                parkUntil(start + FAULT_AFTER.toNanos());
                faults.dropFlows(target.port(), List.of(plainPort, layeredPort));
                long fault = System.nanoTime();
                Runnable healAndKill = () -> {
                    faults.heal();
                    try {
                        server.terminate(admin, plainSession);
                        server.terminate(admin, layeredSession);
                    } catch (SQLException e) {
                        throw new IllegalStateException("could not end the drill's sessions server-side", e);
                    }
                };
                Outcome layeredOutcome = await(layeredRun, fault, deadline, layered, "HikariCP + jdbc-liveness",
                        executor, healAndKill);
                Outcome plainOutcome = await(plainRun, fault, deadline, plain,
                        "HikariCP + " + driverName(driver) + " defaults", executor, healAndKill);
                return new Report(server.version(admin), target.origin(), driverName(driver), budget, keepalive,
                        deadline, Duration.ofNanos(fault - start), applied, plainOutcome, layeredOutcome);
            } finally {
                faults.heal();
                server.terminate(admin, plainSession);
                server.terminate(admin, layeredSession);
                closeQuietly(plain);
                closeQuietly(layered);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static HikariConfig poolConfig(String name, String url, DatabaseTarget target) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(target.username());
        config.setPassword(target.password());
        config.setMaximumPoolSize(1);
        return config;
    }

    static String driverName(String driver) {
        return switch (driver) {
            case "postgresql" -> "pgjdbc";
            case "mysql" -> "MySQL Connector/J";
            case "mariadb" -> "MariaDB Connector/J";
            default -> driver;
        };
    }

    /** Runs the statement and returns when it ended; an error is the expected end, so it is returned too. */
    private static Long execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
        return System.nanoTime();
    }

    private static void awaitRunningAndAcknowledged(Connection admin, ServerSql server, int serverPort,
            long session, int clientPort) throws SQLException, IOException {
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

    private static void parkUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static Outcome await(Future<Long> run, long fault, Duration deadline, Connection connection,
            String label, ExecutorService executor, Runnable lastResort) throws InterruptedException, SQLException {
        long left = fault + deadline.toNanos() - System.nanoTime();
        try {
            Long ended = run.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            return new Outcome(label, Duration.ofNanos(ended - fault), "completed without error (no fault seen?)",
                    null, null);
        } catch (ExecutionException e) {
            return new Outcome(label, Duration.ofNanos(System.nanoTime() - fault), describe(e.getCause()), null, null);
        } catch (TimeoutException stillWaiting) {
            long abortStart = System.nanoTime();
            Connection physical = connection.unwrap(Connection.class);
            executor.submit(() -> {
                physical.abort(executor);
                return null;
            });
            if (finished(run, ABORT_GRACE)) {
                return new Outcome(label, null, null, Duration.ofNanos(System.nanoTime() - abortStart), null);
            }
            // MariaDB Connector/J's abort() sends KILL on a new connection, then reads from the dead socket.
            lastResort.run();
            boolean freed = finished(run, Duration.ofSeconds(30));
            return new Outcome(label, null, null, null, "abort() did not free it within " + seconds(ABORT_GRACE)
                    + (freed ? "; it ended only after the path was healed and the session killed server-side"
                            : "; still blocked 30 s after the path was healed"));
        }
    }

    private static boolean finished(Future<Long> run, Duration wait) throws InterruptedException {
        try {
            run.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
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

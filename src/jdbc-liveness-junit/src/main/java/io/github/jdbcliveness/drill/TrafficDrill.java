package io.github.jdbcliveness.drill;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.HostDownException;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Paths die under traffic (D2, and D5 in flight). Three pools of ten connections serve four application threads
 * each — plain HikariCP with its defaults, jdbc-liveness, and jdbc-liveness validating every borrow — when the fault
 * comes: either every existing flow is dropped by nft (a NAT or load balancer forgot them; new connections work), or
 * every packet to the server port is dropped for 2 × B and then healed (the host went down). Counts, per pool, the
 * requests that failed, were slow, or hung; and which failures were requests already on the wire at the fault,
 * which no pool can save.
 */
public final class TrafficDrill {

    public enum Fault {
        /** Every existing flow to the server dropped; new connections work (D2). */
        FLOWS,
        /** Every packet to the server port dropped for 2 × B, then healed (D5). */
        HOST,
        /**
         * Each pool reaches the server through a relay in this JVM, and the relays freeze for 2 × B, then heal: a
         * hung server or proxy, made without root or nft. Kernel evidence (keepalive, the in-flight watchdog)
         * cannot see it, because the relay's kernel answers; heartbeats and the host verdict can.
         */
        HUNG_RELAY;

        boolean relayed() {
            return this == HUNG_RELAY;
        }

        boolean healed() {
            return this != FLOWS;
        }
    }

    static final int POOL = 10;
    static final int THREADS = 4;
    static final Duration SLOW = Duration.ofSeconds(1);
    /**
     * Each thread starts a request every 10 ms at most, as the drill kit's traffic does: an application's requests
     * come at a pace, and a loop without one turned a host-down verdict's fast failures into a million "failures".
     */
    static final Duration PACE = Duration.ofMillis(10);
    /**
     * A refusal while the host is judged down within this counts as fast-failed (at once, or after one half-open
     * trial, which waits 500 ms at most); a borrower that had waited inside HikariCP until the verdict woke it is
     * refused the same way, but it did wait, and counts as failed.
     */
    static final Duration FAST_FAILURE = Duration.ofMillis(500);

    private TrafficDrill() {
    }

    /**
     * One pool's requests from the fault on.
     *
     * @param failed          requests that failed after they were sent or while they waited for a connection
     * @param fastFailed      requests refused at once because the host was judged down ({@code HostDownException}):
     *                        never sent, answered in microseconds instead of hanging; not counted in {@code failed}
     * @param inFlightAtFault requests already started (borrowing or querying) when the fault came
     * @param failedInFlight  of the failed requests, those already started at the fault
     * @param hung            requests slower than B, or still waiting when the drill ended
     * @param poolAtEnd       connections in the pool when the drill ended (for jdbc-liveness: all alive)
     */
    public record Row(String label, long requests, long failed, long fastFailed, long inFlightAtFault,
            long failedInFlight, long slow, long hung, Duration max, int poolAtEnd, int knownDeadAtEnd,
            String firstError) {
    }

    public record Report(String server, String driver, Fault fault, Duration budget, List<Row> rows) {
        public Row row(String label) {
            return rows.stream().filter(r -> r.label().equals(label)).findFirst().orElseThrow();
        }

        public String format() {
            StringBuilder s = new StringBuilder();
            s.append(switch (fault) {
                case FLOWS -> "Flows die under traffic (D2): ";
                case HOST -> "Host down under traffic (D5): ";
                case HUNG_RELAY -> "Hung server or proxy under traffic (a relay in this JVM): ";
            })
                    .append(server).append(" via ").append(InFlightDrill.driverName(driver)).append(", pools of ")
                    .append(POOL).append(", ").append(THREADS).append(" threads each doing borrow / SELECT 1 / return, ")
                    .append("one request every ").append(PACE.toMillis()).append(" ms at most\n");
            s.append(switch (fault) {
                case FLOWS -> "  every existing flow dropped by nft (new connections work); requests counted for 2 × B; "
                        + "B = ";
                case HOST -> "  every packet to the port dropped for 2 × B, then healed; requests counted until B after "
                        + "the heal; B = ";
                case HUNG_RELAY -> "  each pool's relay frozen for 2 × B (it holds every byte, its kernel keeps ACKing: "
                        + "no root needed, but keepalive and the watchdog cannot see it), then healed; B = ";
            }).append(InFlightDrill.seconds(budget)).append("\n");
            s.append("  jdbc-liveness: nothing but B set (everything else derived from it). HikariCP: all defaults\n\n");
            s.append(String.format(Locale.ROOT, "  %-36s %8s %7s %12s %11s %10s %10s %9s %6s%n", "pool", "requests",
                    "failed", "(started)", "fast-failed", "slow >1 s", "hung >B", "max", "pool"));
            for (Row r : rows) {
                s.append(String.format(Locale.ROOT, "  %-36s %8d %7d %12s %11d %10d %10d %9s %6s%n", r.label(),
                        r.requests(), r.failed(), "(" + r.failedInFlight() + " of " + r.inFlightAtFault() + ")",
                        r.fastFailed(), r.slow(), r.hung(), InFlightDrill.seconds(r.max()),
                        r.poolAtEnd() + (r.knownDeadAtEnd() > 0 ? "*" : "")));
            }
            s.append("  (started): failed requests that had already started when the fault came, of all that had\n");
            s.append("  fast-failed: refused while the host was judged down (never sent; no wait for connectionTimeout)\n");
            for (Row r : rows) {
                if (r.firstError() != null) {
                    s.append("  first failure, ").append(r.label()).append(": ").append(r.firstError()).append('\n');
                }
            }
            return s.toString();
        }
    }

    public static final String PLAIN = "HikariCP 7.1 defaults";
    public static final String LIVENESS = "jdbc-liveness";
    public static final String VALIDATING = "jdbc-liveness, validate on borrow";

    public static Report run(DatabaseTarget target, String driver, Duration budget, Fault fault) throws Exception {
        String url = target.jdbcUrl(driver);
        ServerSql server = ServerSql.of(target.kind());
        try (Connection admin = DriverManager.getConnection(url, target.credentials())) {
            server.terminateOthers(admin, target.username());
            LivenessConfig config = liveness(budget).build();
            LivenessConfig validating = liveness(budget).validateOnBorrow(true).build();
            List<Lane> lanes = new ArrayList<>();
            ExecutorService threads = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "traffic-drill");
                t.setDaemon(true);
                return t;
            });
            List<TcpRelay> relays = new ArrayList<>();
            try (HikariDataSource plain = new HikariDataSource(
                            route(target.hikariConfig(driver, "d2-plain", POOL), target, fault, relays));
                    LivenessDataSource liveness = LivenessDataSource.create(
                            route(target.hikariConfig(driver, "d2-liveness", POOL), target, fault, relays), config);
                    LivenessDataSource validated = LivenessDataSource.create(
                            route(target.hikariConfig(driver, "d2-validating", POOL), target, fault, relays),
                            validating);
                    NftFaults faults = fault.relayed() ? null : NftFaults.open();
                    AutoCloseable closeRelays = () -> relays.forEach(TcpRelay::close)) {
                lanes.add(new Lane(PLAIN, plain, plain, budget));
                lanes.add(new Lane(LIVENESS, liveness, liveness.unwrap(HikariDataSource.class), budget));
                lanes.add(new Lane(VALIDATING, validated, validated.unwrap(HikariDataSource.class), budget));
                for (Lane lane : lanes) {
                    Waits.awaitFull(lane.pool, POOL);
                    Traffic.run(lane.ds, THREADS, 20);
                }
                long start = System.nanoTime();
                for (Lane lane : lanes) {
                    lane.start(threads);
                }
                Waits.parkUntil(start + TimeUnit.SECONDS.toNanos(1));
                switch (fault) {
                    case FLOWS -> faults.dropFlows(target.port(), server.otherSessions(admin, target.username())
                            .stream().map(ServerSql.Session::clientPort).toList());
                    case HOST -> faults.blackhole(target.port());
                    case HUNG_RELAY -> relays.forEach(TcpRelay::freeze);
                }
                long faultAt = System.nanoTime(); // nft has returned: the rule is in force
                for (Lane lane : lanes) {
                    lane.fault(faultAt);
                }
                long stopAt = faultAt + 2 * budget.toNanos();
                if (fault.healed()) {
                    Waits.parkUntil(stopAt);
                    if (faults != null) {
                        faults.heal();
                    }
                    relays.forEach(TcpRelay::heal);
                    stopAt += budget.toNanos();
                }
                Waits.parkUntil(stopAt);
                for (Lane lane : lanes) {
                    lane.stop();
                }
                // Give every lane up to B + 1 s to finish what it has started; what is still waiting then is hung.
                long settle = System.nanoTime() + budget.toNanos() + TimeUnit.SECONDS.toNanos(1);
                for (Lane lane : lanes) {
                    lane.awaitIdle(settle);
                }
                // jdbc-liveness pools get up to B more to finish removing what they found dead.
                long removed = System.nanoTime() + budget.toNanos();
                for (Lane lane : lanes) {
                    lane.awaitClean(removed);
                }
                List<Row> rows = new ArrayList<>();
                for (Lane lane : lanes) {
                    rows.add(lane.row(System.nanoTime()));
                }
                return new Report(server.version(admin), driver, fault, budget, rows);
            } finally {
                // The plain pool's threads may still wait on the dead path: heal, end the sessions, let them go.
                server.terminateOthers(admin, target.username());
                for (Lane lane : lanes) {
                    lane.stop();
                    lane.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
                }
                threads.shutdownNow();
            }
        }
    }

    /** jdbc-liveness as a user gets it: nothing but the budget, every other setting derived from it. */
    static LivenessConfig.Builder liveness(Duration budget) {
        return LivenessConfig.builder().detectionBudget(budget);
    }

    /** For a relayed fault: the pool reaches the server through a relay of its own, added to {@code relays}. */
    private static HikariConfig route(HikariConfig c, DatabaseTarget target, Fault fault, List<TcpRelay> relays) {
        if (fault.relayed()) {
            try {
                TcpRelay relay = TcpRelay.start(target.host(), target.port());
                relays.add(relay);
                c.setJdbcUrl(relay.rewrite(c.getJdbcUrl()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("the drill's relay did not start", e);
            }
        }
        return c;
    }

    /** One pool and its application threads. */
    private static final class Lane {
        final String label;
        final DataSource ds;
        final HikariDataSource pool;
        final Duration budget;
        final Worker[] workers = new Worker[THREADS];
        volatile boolean stopped;
        volatile long faultAt = Long.MAX_VALUE;
        final AtomicLong requests = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong fastFailed = new AtomicLong();
        final AtomicLong failedInFlight = new AtomicLong();
        final AtomicLong slow = new AtomicLong();
        final AtomicLong hung = new AtomicLong();
        final AtomicLong max = new AtomicLong();
        final java.util.concurrent.atomic.AtomicReference<String> firstError =
                new java.util.concurrent.atomic.AtomicReference<>();
        long inFlightAtFault;

        Lane(String label, DataSource ds, HikariDataSource pool, Duration budget) {
            this.label = label;
            this.ds = ds;
            this.pool = pool;
            this.budget = budget;
        }

        void start(ExecutorService threads) {
            for (int i = 0; i < THREADS; i++) {
                workers[i] = new Worker(this);
                threads.execute(workers[i]);
            }
        }

        /** Marks the fault: how many requests have started and not ended. */
        void fault(long at) {
            long n = 0;
            for (Worker w : workers) {
                if (w.started(at)) {
                    n++;
                }
            }
            inFlightAtFault = n;
            faultAt = at;
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

        void awaitClean(long until) {
            if (!(ds instanceof LivenessDataSource l)) {
                return;
            }
            while ((l.stats().knownDeadNow() > 0 || pool.getHikariPoolMXBean().getTotalConnections() < POOL)
                    && System.nanoTime() - until < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }

        Row row(long now) {
            long stillWaiting = 0;
            for (Worker w : workers) {
                long started = w.requestStart;
                if (!w.done && started != 0) {
                    stillWaiting++;
                    max.accumulateAndGet(now - started, Math::max);
                }
            }
            int total = pool.getHikariPoolMXBean().getTotalConnections();
            int knownDead = ds instanceof LivenessDataSource l ? l.stats().knownDeadNow() : 0;
            return new Row(label, requests.get() + stillWaiting, failed.get(), fastFailed.get(), inFlightAtFault,
                    failedInFlight.get(),
                    slow.get() + stillWaiting, hung.get() + stillWaiting, Duration.ofNanos(max.get()), total,
                    knownDead, firstError.get());
        }

        /** Counts a finished request that started at or after the fault, or was on the wire at it. */
        void record(long started, long took, SQLException error) {
            boolean ok = error == null;
            long f = faultAt;
            boolean startedBeforeFault = started - f < 0;
            if (started + took - f < 0) {
                return; // finished before the fault: not part of the drill
            }
            requests.incrementAndGet();
            max.accumulateAndGet(took, Math::max);
            if (error instanceof HostDownException && took <= FAST_FAILURE.toNanos()) {
                fastFailed.incrementAndGet();
            } else if (!ok) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, InFlightDrill.describe(error) + " after "
                        + InFlightDrill.seconds(Duration.ofNanos(took)));
                if (startedBeforeFault) {
                    failedInFlight.incrementAndGet();
                }
            }
            if (took > SLOW.toNanos()) {
                slow.incrementAndGet();
            }
            if (took > budget.toNanos()) {
                hung.incrementAndGet();
            }
        }
    }

    /** One application thread: borrow, SELECT 1, return, until stopped. */
    private static final class Worker implements Runnable {
        final Lane lane;
        volatile long requestStart;
        volatile boolean done;

        Worker(Lane lane) {
            this.lane = lane;
        }

        boolean started(long at) {
            long r = requestStart;
            return r != 0 && r - at <= 0;
        }

        @Override
        public void run() {
            try {
                while (!lane.stopped) {
                    long start = System.nanoTime();
                    requestStart = start;
                    SQLException error = null;
                    try (Connection c = lane.ds.getConnection(); Statement s = c.createStatement()) {
                        s.execute("SELECT 1");
                    } catch (SQLException e) {
                        error = e;
                    }
                    long took = System.nanoTime() - start;
                    requestStart = 0;
                    lane.record(start, took, error);
                    LockSupport.parkNanos(start + PACE.toNanos() - System.nanoTime()); // the pace, not a wait
                }
            } finally {
                done = true;
            }
        }
    }
}

package io.github.jdbcliveness.drill;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessListener;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * D1 side by side, for the command line: two pools of ten connections on PostgreSQL — plain HikariCP with its
 * defaults, and jdbc-liveness — serve traffic; traffic pauses; both pools' flows are dropped by nft (a NAT or load
 * balancer forgot them; new connections still work); traffic resumes after B. Prints what users of each pool felt.
 */
public final class IdleDrill {

    static final int POOL = 10;
    static final int THREADS = 4;
    static final int REQUESTS = 50;
    private IdleDrill() {
    }

    /** What the application threads of one pool felt after the fault. */
    public record Row(String label, long requests, long failed, long slow, Duration max, long evictedWithinBudget,
            Duration lastEviction) {
    }

    public record Report(String server, Duration budget, Row plain, Row liveness) {
        public String format() {
            StringBuilder s = new StringBuilder();
            s.append("Idle-pool drill (D1): ").append(server).append(", two pools of ").append(POOL)
                    .append(" connections, ").append(THREADS).append(" threads each doing borrow / SELECT 1 / return\n");
            s.append("  traffic paused; every pooled flow dropped by nft (new connections still work); traffic "
                    + "resumed ").append(InFlightDrill.seconds(budget)).append(" later (the detection budget)\n\n");
            s.append(String.format(Locale.ROOT, "  %-28s %9s %7s %12s %9s   %s%n", "pool", "requests", "failed",
                    "slow (>1 s)", "max", "dead connections evicted within B"));
            for (Row r : List.of(plain, liveness)) {
                s.append(String.format(Locale.ROOT, "  %-28s %9d %7d %12d %9s   %s%n", r.label(), r.requests(),
                        r.failed(), r.slow(), InFlightDrill.seconds(r.max()), r.lastEviction() == null
                                ? r.evictedWithinBudget() + " of " + POOL + " (HikariCP has no heartbeat)"
                                : r.evictedWithinBudget() + " of " + POOL + ", the last "
                                        + InFlightDrill.seconds(r.lastEviction()) + " after the fault"));
            }
            return s.toString();
        }
    }

    public static Report run(DatabaseTarget target, Duration budget) throws Exception {
        if (target.kind() != DatabaseTarget.Kind.POSTGRESQL) {
            throw new IllegalArgumentException("the idle drill tells the two pools' flows apart by application_name: "
                    + "PostgreSQL only");
        }
        String url = target.jdbcUrl("postgresql");
        EvictionTimes evictions = new EvictionTimes();
        try (HikariDataSource plain = new HikariDataSource(config(target, "idle-plain"));
                LivenessDataSource liveness = LivenessDataSource.create(config(target, "idle-liveness"),
                        LivenessConfig.builder().detectionBudget(budget).build());
                Connection admin = DriverManager.getConnection(url, target.credentials());
                NftFaults faults = NftFaults.open()) {
            liveness.addListener(evictions);
            Waits.awaitFull(plain, POOL);
            Waits.awaitFull(liveness.unwrap(HikariDataSource.class), POOL);
            Traffic.run(plain, THREADS, REQUESTS);
            Traffic.run(liveness, THREADS, REQUESTS);

            List<Integer> flows = new ArrayList<>(clientPorts(admin, "idle-plain"));
            flows.addAll(clientPorts(admin, "idle-liveness"));
            faults.dropFlows(target.port(), flows);
            long fault = System.nanoTime();
            evictions.since(fault);
            Waits.parkUntil(fault + budget.toNanos());

            ExecutorService both = Executors.newFixedThreadPool(2);
            try {
                Future<Traffic.Result> p = both.submit(() -> Traffic.run(plain, THREADS, REQUESTS));
                Future<Traffic.Result> l = both.submit(() -> Traffic.run(liveness, THREADS, REQUESTS));
                Traffic.Result plainAfter = p.get(10, TimeUnit.MINUTES);
                Traffic.Result livenessAfter = l.get(10, TimeUnit.MINUTES);
                return new Report(ServerSql.POSTGRESQL.version(admin), budget,
                        row("HikariCP 7.1 defaults", plainAfter, 0, null),
                        row("HikariCP + jdbc-liveness", livenessAfter, evictions.within(budget), evictions.last()));
            } finally {
                both.shutdownNow();
                faults.heal();
                // The server still holds the dropped flows' sessions; end them so nothing is left behind.
                for (ServerSql.Session session : ServerSql.POSTGRESQL.otherSessions(admin, target.username())) {
                    if (flows.contains(session.clientPort())) {
                        ServerSql.POSTGRESQL.terminate(admin, session.id());
                    }
                }
            }
        }
    }

    private static Row row(String label, Traffic.Result r, long evicted, Duration last) {
        return new Row(label, r.requests(), r.failed(), r.slow(), r.max(), evicted, last);
    }

    private static HikariConfig config(DatabaseTarget target, String name) {
        HikariConfig c = target.hikariConfig("postgresql", name, POOL);
        c.addDataSourceProperty("ApplicationName", name);
        return c;
    }

    private static List<Integer> clientPorts(Connection admin, String application) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement(
                "SELECT client_port FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, application);
            List<Integer> ports = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ports.add(rs.getInt(1));
                }
            }
            return ports;
        }
    }

    /** Eviction moments after the fault, from the listener. */
    private static final class EvictionTimes implements LivenessListener {
        private final List<Long> at = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile long fault = Long.MAX_VALUE;

        void since(long faultNanos) {
            fault = faultNanos;
        }

        @Override
        public void onEvicted(ConnectionRef c, EvictionReason reason, Duration sinceLastAlive, long atNanos) {
            if (atNanos - fault >= 0) {
                at.add(atNanos - fault);
            }
        }

        long within(Duration budget) {
            return at.stream().filter(d -> d <= budget.toNanos()).count();
        }

        Duration last() {
            return Duration.ofNanos(at.stream().mapToLong(Long::longValue).max().orElse(0));
        }
    }
}

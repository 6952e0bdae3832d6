package io.github.jdbcliveness.soak;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.NftFaults;
import io.github.jdbcliveness.drill.TcpRelay;
import io.github.jdbcliveness.drill.Waits;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded soak: the seed's schedule of faults, made real, against jdbc-liveness (nothing but B set) and plain
 * HikariCP (its defaults) side by side, each pool behind a relay of its own, both under the same mixed traffic drawn
 * from the same seed. Faults hit both pools at the same moment. Prints each fault as it comes and how each pool came
 * out of it; the verdict is {@link SoakChecker}'s.
 */
public final class Soak {

    static final String LIVENESS = "jdbc-liveness";
    static final String PLAIN = "plain HikariCP";

    private final DatabaseTarget target;
    private final long seed;
    private final Duration length;
    private final Duration budget;
    private final PrintStream out;
    private final java.nio.file.Path recordsFile;

    /** @param recordsFile where to write every fault and request as CSV ({@link RecordsFile}), or null */
    public Soak(DatabaseTarget target, long seed, Duration length, Duration budget, PrintStream out,
            java.nio.file.Path recordsFile) {
        this.target = target;
        this.seed = seed;
        this.length = length;
        this.budget = budget;
        this.out = out;
        this.recordsFile = recordsFile;
    }

    /** @param nft the kernel's faults, or null where they cannot run (then the schedule draws none) */
    public SoakResult run(NftFaults nft) throws Exception {
        ServerView server = new ServerView(target);
        java.util.Set<FaultKind> kinds = java.util.EnumSet.allOf(FaultKind.class);
        List<String> leftOut = new ArrayList<>();
        if (nft == null) {
            kinds.removeIf(FaultKind::kernel);
            leftOut.add("the kernel's faults (no root or nftables here)");
        }
        try (java.sql.Connection admin = server.connect()) {
            io.github.jdbcliveness.drill.ServerProcesses.Result processes =
                    io.github.jdbcliveness.drill.ServerProcesses.find(target, admin);
            if (!processes.found()) {
                kinds.remove(FaultKind.HUNG_SERVER);
                leftOut.add("a hung server (" + processes.unavailableReason() + ")");
            }
        }
        List<Episode> schedule = SoakSchedule.of(seed, length, budget, kinds);
        List<String> names = List.of("soak_liveness", "soak_plain");
        server.prepare(names, Lane.WORKERS);
        List<TcpRelay> relays = new ArrayList<>();
        List<Lane> lanes = new ArrayList<>();
        try {
            relays.add(TcpRelay.start(target.host(), target.port()));
            relays.add(TcpRelay.start(target.host(), target.port()));
            HikariConfig livenessConfig = hikari(names.get(0), relays.get(0));
            LivenessDataSource liveness = LivenessDataSource.create(livenessConfig,
                    LivenessConfig.builder().detectionBudget(budget).build());
            lanes.add(new Lane(LIVENESS, names.get(0), liveness, liveness.unwrap(HikariDataSource.class),
                    relays.get(0)));
            HikariDataSource plain = new HikariDataSource(hikari(names.get(1), relays.get(1)));
            lanes.add(new Lane(PLAIN, names.get(1), plain, plain, relays.get(1)));
            for (Lane lane : lanes) {
                Waits.awaitFull(lane.hikari, Lane.POOL);
            }
            out.println("soak: seed " + seed + ", " + Seconds.of(length) + ", B = " + Seconds.of(budget) + ", "
                    + schedule.size() + " faults, on " + server.versions() + " (" + target.origin() + "); pools of "
                    + Lane.POOL + ", " + Lane.WORKERS + " threads each"
                    + (leftOut.isEmpty() ? "" : "; without " + String.join(", ", leftOut)));
            out.println("  JDK " + System.getProperty("java.version") + ", HikariCP "
                    + Versions.of(HikariDataSource.class, "com.zaxxer", "HikariCP") + ", jdbc-liveness "
                    + Versions.of(LivenessDataSource.class, "io.github.jdbcliveness", "jdbc-liveness") + "; Linux "
                    + System.getProperty("os.version") + ", " + Runtime.getRuntime().availableProcessors()
                    + " cores");
            return drive(schedule, lanes, relays, server, nft);
        } finally {
            for (Lane lane : lanes) {
                lane.close();
            }
            relays.forEach(TcpRelay::close);
        }
    }

    private SoakResult drive(List<Episode> schedule, List<Lane> lanes, List<TcpRelay> relays, ServerView server,
            NftFaults nft) throws Exception {
        long origin = System.nanoTime();
        for (Lane lane : lanes) {
            lane.start(server.sql(), seed, budget.toNanos(), origin);
        }
        List<Injected> injected = new ArrayList<>();
        List<List<Recovery>> recoveries = List.of(new ArrayList<>(), new ArrayList<>());
        RecoveryWatch watch = new RecoveryWatch(lanes, server, budget.toNanos(), origin);
        SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        try (Faults faults = new Faults(target, relays, List.of(lanes.get(0).pool, lanes.get(1).pool), nft,
                server)) {
            for (int i = 0; i < schedule.size(); i++) {
                Episode e = schedule.get(i);
                Waits.parkUntil(origin + e.at().toNanos());
                Injected done = apply(e, faults, random, origin);
                injected.add(done);
                long next = i + 1 < schedule.size() ? origin + schedule.get(i + 1).at().toNanos()
                        : origin + length.toNanos();
                List<Recovery> r = watch.after(done, next);
                for (int l = 0; l < lanes.size(); l++) {
                    recoveries.get(l).add(r.get(l));
                }
                out.println(line(done, lanes, r));
            }
            Waits.parkUntil(origin + length.toNanos());
        }
        // The longest healthy request (a long query of 1.5 × B after 0.5 s) started just before the stop, and 5 s more.
        long stopDeadline = System.nanoTime() + Duration.ofMillis(500).toNanos() + 3 * budget.toNanos() / 2
                + Duration.ofSeconds(5).toNanos();
        lanes.forEach(Lane::stop);
        List<Integer> busy = new ArrayList<>();
        for (Lane lane : lanes) {
            busy.add(lane.awaitStopped(stopDeadline));
        }
        SoakChecker checker = new SoakChecker(budget.toNanos(), injected);
        List<LaneTally> tallies = new ArrayList<>();
        List<List<RequestRecord>> all = new ArrayList<>();
        for (int l = 0; l < lanes.size(); l++) {
            Lane lane = lanes.get(l);
            List<RequestRecord> records;
            synchronized (lane.records) {
                records = List.copyOf(lane.records);
            }
            all.add(records);
            tallies.add(checker.judge(lane.label, records, recoveries.get(l)));
        }
        if (recordsFile != null) {
            RecordsFile.write(recordsFile, injected, lanes.stream().map(l -> l.label).toList(), all);
        }
        List<Violation> closeViolations = CloseCheck.closeAndCheck(lanes.get(0), System.nanoTime() - origin);
        return new SoakResult(seed, length, budget, injected, tallies, busy, closeViolations);
    }

    private Injected apply(Episode e, Faults faults, SplittableRandom random, long origin) throws Exception {
        long start = System.nanoTime() - origin;
        long stallStart = 0;
        long stallEnd = 0;
        if (e.kind() == FaultKind.CLIENT_STALL) {
            Faults.stall(e.length());
            long end = System.nanoTime() - origin;
            return new Injected(e, start, start, end, start, end);
        }
        faults.inject(e.kind(), random);
        long inForce = System.nanoTime() - origin;
        if (e.stalls()) {
            Waits.parkUntil(origin + start + e.stallAfter().toNanos());
            stallStart = System.nanoTime() - origin;
            Faults.stall(e.stall());
            stallEnd = System.nanoTime() - origin;
        }
        Waits.parkUntil(origin + start + e.length().toNanos());
        faults.heal(e.kind());
        long end = System.nanoTime() - origin;
        return new Injected(e, start, inForce, end, stallStart, stallEnd);
    }

    private String line(Injected f, List<Lane> lanes, List<Recovery> r) {
        StringBuilder s = new StringBuilder(String.format(java.util.Locale.ROOT, "  %6.1f s  %-60s", f.startNanos() / 1e9,
                f.episode().toString()));
        for (int l = 0; l < lanes.size(); l++) {
            Recovery rec = r.get(l);
            s.append(" | ").append(lanes.get(l).label).append(": ")
                    .append(rec.refillNanos() < 0 ? "not refilled" : "full " + Seconds.of(rec.refillNanos()))
                    .append(rec.deadLeft() > 0 ? ", " + rec.deadLeft() + " dead left" : "")
                    .append(rec.quietEvictions() > 0 ? ", " + rec.quietEvictions() + " evicted in quiet" : "");
        }
        return s.toString();
    }

    private HikariConfig hikari(String name, TcpRelay relay) {
        HikariConfig c = target.hikariConfig(SoakSql.of(target.kind()).driver(), name, Lane.POOL);
        c.setJdbcUrl(relay.rewrite(c.getJdbcUrl()));
        c.setUsername(name);
        c.setPassword(SoakSql.PASSWORD);
        return c;
    }
}

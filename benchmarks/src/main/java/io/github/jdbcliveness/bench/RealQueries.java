package io.github.jdbcliveness.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.DatabaseTargets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * What users feel: borrow, {@code SELECT 1}, return against the embedded PostgreSQL (pgjdbc over loopback), for plain
 * HikariCP, jdbc-liveness (nothing but the default budget, B = 30 s) and the AWS wrapper's {@code efm2} inside HikariCP,
 * at 1, 2 and 8 threads. The pools take turns in short rounds, in a rotating order, all in one JVM and one run, so that
 * drift of the machine (and of the server) falls on every pool alike; the figure is the median over rounds of each
 * round's throughput ratio to plain HikariCP.
 *
 * <pre>
 * mvn -B -q install -DskipTests -Dcli.skip=true &amp;&amp; mvn -B -q -f benchmarks/pom.xml package
 * java -cp benchmarks/target/benchmarks.jar io.github.jdbcliveness.bench.RealQueries [rounds] [seconds per round]
 * </pre>
 */
public final class RealQueries {

    private static final int POOL = 10;
    private static final int[] THREADS = {1, 2, 8};
    private static final String PLAIN = "HikariCP";
    private static final String LIVENESS = "jdbc-liveness";
    private static final String EFM2 = "efm2 in HikariCP";

    private RealQueries() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        Duration round = Duration.ofMillis(args.length > 1 ? (long) (Double.parseDouble(args[1]) * 1000) : 2000);
        DatabaseTarget target = DatabaseTargets.postgres();
        Map<String, DataSource> pools = new LinkedHashMap<>();
        List<AutoCloseable> open = new ArrayList<>();
        try {
            HikariDataSource plain = new HikariDataSource(target.hikariConfig("postgresql", "plain", POOL));
            open.add(plain);
            pools.put(PLAIN, plain);
            LivenessDataSource liveness = LivenessDataSource.create(
                    target.hikariConfig("postgresql", "liveness", POOL), LivenessConfig.defaults());
            open.add(liveness);
            pools.put(LIVENESS, liveness);
            HikariConfig efm = target.hikariConfig("postgresql", "efm2", POOL);
            efm.setJdbcUrl("jdbc:aws-wrapper:postgresql://" + target.host() + ":" + target.port() + "/postgres");
            efm.setDriverClassName("software.amazon.jdbc.Driver");
            efm.addDataSourceProperty("wrapperPlugins", "efm2");
            HikariDataSource efm2 = new HikariDataSource(efm);
            open.add(efm2);
            pools.put(EFM2, efm2);

            System.out.printf(Locale.ROOT, "borrow + SELECT 1 + return on embedded PostgreSQL (%s), pools of %d; "
                    + "%d rounds of %d ms per pool and thread count, the pools in rotating order%n",
                    target.origin(), POOL, rounds, round.toMillis());
            System.out.printf(Locale.ROOT, "%s, %s %s, %d cores%n", System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors());
            for (DataSource ds : pools.values()) {
                run(ds, 2, Duration.ofSeconds(3)); // warm-up: JIT, the server's plan cache, every connection opened
            }
            for (int threads : THREADS) {
                report(threads, measure(pools, threads, rounds, round));
            }
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }

    /** Each pool's requests per second, per round. */
    private static Map<String, double[]> measure(Map<String, DataSource> pools, int threads, int rounds,
            Duration round) throws Exception {
        List<String> names = new ArrayList<>(pools.keySet());
        Map<String, double[]> perSecond = new LinkedHashMap<>();
        names.forEach(n -> perSecond.put(n, new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((r + i) % names.size());
                perSecond.get(name)[r] = run(pools.get(name), threads, round) / (round.toNanos() / 1e9);
            }
        }
        return perSecond;
    }

    /** {@code threads} threads borrow, query and return for {@code length}; returns how many requests completed. */
    private static long run(DataSource ds, int threads, Duration length) throws Exception {
        LongAdder done = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    go.await();
                    while (!stop.get()) {
                        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                                ResultSet rs = s.executeQuery("SELECT 1")) {
                            rs.next();
                        }
                        done.increment();
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            workers.add(w);
            w.start();
        }
        go.countDown();
        Thread.sleep(length.toMillis()); // the measured interval itself: a duration, not a wait for an event
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a request failed in a healthy benchmark", failures.get(0));
        }
        return done.sum();
    }

    private static void report(int threads, Map<String, double[]> perSecond) {
        double[] plain = perSecond.get(PLAIN);
        System.out.printf(Locale.ROOT, "%n%d thread%s: requests/s, median of rounds (min-max); ratio to HikariCP, "
                + "median of the rounds' ratios (min-max)%n", threads, threads == 1 ? "" : "s");
        for (Map.Entry<String, double[]> e : perSecond.entrySet()) {
            double[] v = e.getValue();
            double[] ratios = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                ratios[i] = v[i] / plain[i];
            }
            System.out.printf(Locale.ROOT, "  %-18s %8.0f (%6.0f-%6.0f)   %s%n", e.getKey(), median(v), min(v), max(v),
                    e.getValue() == plain ? "" : String.format(Locale.ROOT, "%.3f (%.3f-%.3f)", median(ratios),
                            min(ratios), max(ratios)));
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}

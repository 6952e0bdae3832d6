package io.github.jdbcliveness.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessListener;
import io.github.jdbcliveness.bench.stub.StubDriver;
import io.github.jdbcliveness.heartbeat.HeartbeatScheduler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Heartbeats at scale: {@code connections} idle pooled connections of the stub driver in {@code pools} pools, left
 * alone for {@code seconds}, at one detection budget. Prints what the heartbeat costs: its threads' CPU time as a
 * share of one core, the ticker's wakeups per second, the busiest 100 ms of probes against the mean, and the heap
 * per connection beside plain HikariCP's. Then the same with no connection at all: the wakeups of a heartbeat with
 * nothing due.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.github.jdbcliveness.bench.HeartbeatScale 10000 50 30s 60}
 */
public final class HeartbeatScale {

    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private HeartbeatScale() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int pools = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Duration budget = args.length > 2 ? Duration.parse("PT" + args[2].toUpperCase()) : Duration.ofSeconds(30);
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        new StubDriver(); // registers itself
        System.out.printf("heartbeat scale: %d connections in %d pools, B = %s, %d s idle; %s, %d cores%n",
                connections, pools, budget, seconds, System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());

        double plainBytes = heapPerConnection(connections, pools, null);
        double ourBytes = heapPerConnection(connections, pools, budget);
        System.out.printf("  heap per connection: HikariCP alone %.0f B, with jdbc-liveness %.0f B (+%.0f B)%n",
                plainBytes, ourBytes, ourBytes - plainBytes);

        measure(connections, pools, budget, seconds);
        measure(0, 1, budget, Math.min(seconds, 20));
    }

    /** Builds the pools, waits until they are full, and returns the heap they hold per connection. */
    private static double heapPerConnection(int connections, int pools, Duration budget) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        List<AutoCloseable> all = open(connections, pools, budget, null);
        long after = usedAfterGc(memory);
        for (AutoCloseable c : all) {
            c.close();
        }
        return (after - before) / (double) connections;
    }

    private static void measure(int connections, int pools, Duration budget, int seconds) throws Exception {
        int windows = (int) (TimeUnit.SECONDS.toNanos(seconds) / WINDOW_NANOS) + 1;
        AtomicIntegerArray probes = new AtomicIntegerArray(windows);
        long[] startAt = new long[1];
        LivenessListener counting = new LivenessListener() {
            @Override
            public void onProbePassed(ConnectionRef connection, Duration took) {
                long start = startAt[0];
                if (start == 0) {
                    return;
                }
                int w = (int) ((System.nanoTime() - start) / WINDOW_NANOS);
                if (w >= 0 && w < windows) {
                    probes.incrementAndGet(w);
                }
            }
        };
        HeartbeatScheduler scheduler = HeartbeatScheduler.acquire();
        List<AutoCloseable> all = open(connections, pools, budget, counting);
        try {
            // One heartbeat interval to settle (the first probes of a freshly filled pool), then measure.
            LockSupport.parkNanos(LivenessConfig.builder().detectionBudget(budget).build().heartbeatInterval()
                    .toNanos());
            CpuSampler sampler = new CpuSampler();
            long wakeupsBefore = scheduler.wakeups();
            long start = System.nanoTime();
            startAt[0] = start;
            sampler.runFor(TimeUnit.SECONDS.toNanos(seconds));
            long wall = System.nanoTime() - start;
            Map<String, Long> kinds = sampler.byKind();
            long cpu = kinds.values().stream().mapToLong(Long::longValue).sum();
            long wakeups = scheduler.wakeups() - wakeupsBefore;
            startAt[0] = 0;

            int full = (int) (wall / WINDOW_NANOS);
            long total = 0;
            int max = 0;
            for (int w = 0; w < full && w < windows; w++) {
                total += probes.get(w);
                max = Math.max(max, probes.get(w));
            }
            double mean = full == 0 ? 0 : total / (double) full;
            System.out.printf("  %d connections: heartbeat CPU %.3f %% of one core; %.1f wakeups/s; %.1f probes/s; "
                    + "busiest 100 ms %d probes against a mean of %.1f (%.2f x)%n", connections,
                    100.0 * cpu / wall, wakeups / (wall / 1e9), total / (wall / 1e9), max, mean,
                    mean == 0 ? 0 : max / mean);
            StringBuilder split = new StringBuilder("    by thread:");
            kinds.forEach((kind, t) -> split.append(String.format(" %s %.3f %%;", kind, 100.0 * t / wall)));
            System.out.println(split);
        } finally {
            for (AutoCloseable c : all) {
                c.close();
            }
            scheduler.release();
        }
    }

    /**
     * CPU time of the threads jdbc-liveness runs (the ticker, probe threads, maintenance, host checks), read every
     * 200 ms so that a probe thread that ends in the window (after 10 s idle) still counts: a thread is counted from
     * its first reading (from 0 when it started in the window) to its last.
     */
    private static final class CpuSampler {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final Map<Long, long[]> firstAndLast = new java.util.HashMap<>();
        private final Map<Long, String> kinds = new java.util.HashMap<>();
        private final boolean[] first = {true};

        void runFor(long nanos) {
            long end = System.nanoTime() + nanos;
            sample();
            first[0] = false;
            while (end - System.nanoTime() > 0) {
                LockSupport.parkNanos(Math.min(TimeUnit.MILLISECONDS.toNanos(200), end - System.nanoTime()));
                sample();
            }
        }

        private void sample() {
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null || !info.getThreadName().startsWith("jdbc-liveness")) {
                    continue;
                }
                long t = threads.getThreadCpuTime(info.getThreadId());
                if (t < 0) {
                    continue;
                }
                long[] fl = firstAndLast.computeIfAbsent(info.getThreadId(), id -> new long[] {first[0] ? t : 0, t});
                fl[1] = t;
                kinds.putIfAbsent(info.getThreadId(), info.getThreadName().replaceAll("-?[0-9]+$", ""));
            }
        }

        Map<String, Long> byKind() {
            Map<String, Long> sums = new TreeMap<>();
            firstAndLast.forEach((id, fl) -> sums.merge(kinds.get(id), fl[1] - fl[0], Long::sum));
            return sums;
        }
    }

    /**
     * {@code pools} pools of {@code connections / pools} each; plain HikariCP when {@code budget} is null. All are
     * built first and then awaited: HikariCP paces the connections it adds to one pool, and the pools fill in
     * parallel.
     */
    private static List<AutoCloseable> open(int connections, int pools, Duration budget, LivenessListener listener) {
        List<AutoCloseable> all = new ArrayList<>();
        List<java.util.function.IntSupplier> sizes = new ArrayList<>();
        int each = Math.max(0, connections / pools);
        for (int p = 0; p < pools; p++) {
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl(StubDriver.URL_PREFIX + "scale-" + p);
            c.setPoolName("scale-" + p);
            c.setMaximumPoolSize(Math.max(1, each));
            c.setMinimumIdle(each);
            c.setConnectionTimeout(30_000);
            if (budget == null) {
                HikariDataSource ds = new HikariDataSource(c);
                all.add(ds);
                sizes.add(() -> ds.getHikariPoolMXBean().getIdleConnections());
            } else {
                LivenessDataSource ds = LivenessDataSource.create(c, LivenessConfig.builder().detectionBudget(budget)
                        .keepaliveEnabled(false).build());
                if (listener != null) {
                    ds.addListener(listener);
                }
                all.add(ds);
                sizes.add(() -> ds.stats().tracked());
            }
        }
        for (java.util.function.IntSupplier size : sizes) {
            awaitFull(size, each);
        }
        return all;
    }

    private static void awaitFull(java.util.function.IntSupplier count, int n) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (count.getAsInt() < n) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("pool not full within 300 s: " + count.getAsInt() + " of " + n);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}

package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The database's side of the bill: probes per second per connection on the embedded PostgreSQL, idle and under
 * steady traffic. A connection that answered the application within the last interval needs no probe, so under
 * traffic that touches every connection the heartbeat costs the server (almost) nothing.
 */
class ProbeCostIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;

    @Test
    void idleConnectionsAreProbedEveryInterval_connectionsServingTrafficAreNot() throws Exception {
        DatabaseTarget target = DatabaseTargets.postgres();
        LivenessConfig config = LivenessConfig.builder().detectionBudget(B).build();
        Duration interval = config.heartbeatInterval();
        Duration window = interval.multipliedBy(4);
        try (LivenessDataSource ds = LivenessDataSource.create(Pools.hikari(target, "postgresql", "probe-cost", POOL),
                config)) {
            HikariDataSource pool = ds.unwrap(HikariDataSource.class);
            Pools.awaitIdle(pool, POOL, Duration.ofSeconds(10));
            Pools.parkUntil(System.nanoTime() + interval.toNanos()); // past the first probes, spread over an interval

            long idleProbes = probesOver(ds, window);
            double idleRate = idleProbes / (double) POOL / (window.toNanos() / 1e9);

            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService threads = Executors.newFixedThreadPool(POOL);
            List<Future<?>> runs = new ArrayList<>();
            try {
                for (int i = 0; i < POOL; i++) {
                    runs.add(threads.submit(() -> {
                        while (!stop.get()) {
                            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                                s.execute("SELECT 1");
                            }
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the traffic's pace
                        }
                        return null;
                    }));
                }
                Pools.parkUntil(System.nanoTime() + interval.toNanos()); // probes planned before the traffic pass
                long busyProbes = probesOver(ds, window);
                double busyRate = busyProbes / (double) POOL / (window.toNanos() / 1e9);
                stop.set(true);
                for (Future<?> f : runs) {
                    f.get(30, TimeUnit.SECONDS);
                }
                System.out.printf("probe cost, B = %d s (interval %d ms), pool of %d: idle %.3f probes/s per "
                        + "connection (%d in %d s); %d threads of borrow / SELECT 1 / return every 20 ms: %.3f probes/s "
                        + "per connection (%d)%n", B.toSeconds(), interval.toMillis(), POOL, idleRate, idleProbes,
                        window.toSeconds(), POOL, busyRate, busyProbes);
                double expectedIdle = 1e9 / interval.toNanos();
                assertTrue(idleRate >= 0.8 * expectedIdle, "idle connections are probed every interval: " + idleRate
                        + " probes/s per connection, expected about " + expectedIdle);
                assertTrue(busyRate <= 0.2 * idleRate, "connections answering the application need no probe: "
                        + busyRate + " probes/s per connection under traffic, " + idleRate + " idle");
            } finally {
                stop.set(true);
                threads.shutdownNow();
            }
        }
    }

    private static long probesOver(LivenessDataSource ds, Duration window) throws SQLException {
        long before = ds.stats().probes();
        Pools.parkUntil(System.nanoTime() + window.toNanos());
        return ds.stats().probes() - before;
    }
}

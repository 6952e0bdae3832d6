package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interrupts are routine ({@code Future.cancel(true)}, {@code shutdownNow()}, request-timeout valves): 8 threads borrow
 * from a pool of 4 for a few seconds while a ninth interrupts a random one of them every 1-5 ms, on plain HikariCP and
 * then on jdbc-liveness. A plain socket ignores an interrupt on a platform thread, so the plain driver loses no
 * connection to it; neither may we. Each request reports its server session, so the sessions seen count the physical
 * connections each pool opened.
 */
class InterruptStormIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 4;
    private static final int THREADS = 8;
    private static final Duration STORM = Duration.ofSeconds(4);

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void interruptStorm_losesNoConnection_likePlainHikari(DatabaseTarget.Kind kind, String driver) throws Exception {
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        Pools.endAllSessions(target, driver);
        String query = kind == DatabaseTarget.Kind.POSTGRESQL ? "SELECT pg_backend_pid(), pg_sleep(0.002)"
                : "SELECT CONNECTION_ID(), SLEEP(0.002)";
        Storm plain;
        try (HikariDataSource pool = new HikariDataSource(Pools.hikari(target, driver, "storm-plain", POOL))) {
            Waits.awaitFull(pool, POOL);
            plain = storm(pool, query);
            plain.total = pool.getHikariPoolMXBean().getTotalConnections();
        }
        Storm ours = stormOnLiveness(target, driver, query, false);
        // The issue's own setup: every borrow is validated by a probe the borrower waits for, so interrupts also land
        // in that wait (the connection is then given back untouched).
        Storm validated = stormOnLiveness(target, driver, query, true);
        System.out.printf("interrupt storm (%s on %s): %d threads on a pool of %d for %d s each%n"
                + "  HikariCP defaults:                %s%n  jdbc-liveness:                    %s%n"
                + "  jdbc-liveness, validateOnBorrow:  %s%n", driver, kind, THREADS, POOL, STORM.toSeconds(), plain,
                ours, validated);
        for (Storm s : List.of(ours, validated)) {
            assertTrue(s.interrupts > 500, "too few interrupts to prove anything: " + s);
            assertTrue(s.ok.sum() > 500, "too few requests completed: " + s);
            assertEquals(0, s.connectionFailures.get(), "a request failed on its connection: " + s);
            assertEquals(POOL, s.sessions.size(), "the storm cost physical connections: " + s);
            assertEquals(POOL, s.total, s.toString());
            assertEquals(0, s.evictions, "an interrupt made jdbc-liveness evict a connection: " + s);
            assertTrue(s.connectionFailures.get() <= plain.connectionFailures.get()
                    && s.sessions.size() <= plain.sessions.size(), "ours " + s + ", plain " + plain);
        }
    }

    private static Storm stormOnLiveness(DatabaseTarget target, String driver, String query, boolean validate)
            throws InterruptedException, SQLException {
        try (LivenessDataSource pool = LivenessDataSource.create(Pools.hikari(target, driver, "storm-liveness", POOL),
                LivenessConfig.builder().detectionBudget(B).validateOnBorrow(validate).build())) {
            HikariDataSource hikari = pool.unwrap(HikariDataSource.class);
            Waits.awaitFull(hikari, POOL);
            Storm s = storm(pool, query);
            s.total = hikari.getHikariPoolMXBean().getTotalConnections();
            s.evictions = pool.stats().evictions().values().stream().mapToLong(Long::longValue).sum();
            return s;
        }
    }

    private static Storm storm(DataSource ds, String query) throws InterruptedException {
        Storm s = new Storm();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            Thread w = new Thread(() -> {
                while (!stop.get()) {
                    Thread.interrupted(); // an application thread takes its next task with a clean slate
                    request(ds, query, s);
                }
            }, "storm-" + i);
            workers.add(w);
        }
        workers.forEach(Thread::start);
        long end = System.nanoTime() + STORM.toNanos();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() - end < 0) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(1000, 5000)));
            workers.get(random.nextInt(THREADS)).interrupt();
            s.interrupts++;
        }
        stop.set(true);
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(!w.isAlive(), w.getName() + " still runs");
        }
        return s;
    }

    private static void request(DataSource ds, String query, Storm s) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            rs.next();
            s.sessions.add(rs.getLong(1));
            s.ok.increment();
        } catch (SQLException e) {
            if (interruptedAcquisition(e)) {
                s.interruptedBorrows.increment(); // HikariCP's own answer to an interrupted wait for a connection
            } else {
                if (s.connectionFailures.getAndIncrement() == 0) {
                    s.firstFailure = e.getSQLState() + " " + e;
                }
            }
        }
    }

    /** HikariCP's "Interrupted during connection acquisition": the borrower was interrupted while it waited. */
    private static boolean interruptedAcquisition(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    private static final class Storm {
        final Set<Long> sessions = ConcurrentHashMap.newKeySet();
        final LongAdder ok = new LongAdder();
        final LongAdder interruptedBorrows = new LongAdder();
        final AtomicInteger connectionFailures = new AtomicInteger();
        volatile String firstFailure;
        int interrupts;
        int total;
        long evictions;

        @Override
        public String toString() {
            return ok.sum() + " ok, " + connectionFailures.get() + " failed on their connection"
                    + (firstFailure == null ? "" : " (first: " + firstFailure + ")") + ", "
                    + interruptedBorrows.sum() + " borrows interrupted while waiting, " + interrupts
                    + " interrupts; physical connections used " + sessions.size() + ", pool total at the end " + total
                    + ", evictions " + evictions;
        }
    }
}

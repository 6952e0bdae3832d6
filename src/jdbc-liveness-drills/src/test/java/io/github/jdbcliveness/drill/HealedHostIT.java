package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * "A healed host is back at once": every packet to the server port is dropped for 2 × B under paced traffic, long
 * enough for the host to be judged down, then healed. Counts the requests that started after the heal and still
 * failed, and when the first one succeeded, for jdbc-liveness and for plain HikariCP beside it (same server, same
 * traffic, same fault). Nothing but B is set. While the host is judged down, a borrower is let through to try it
 * (a circuit breaker's half-open state): the first answer re-admits the host, so no request fails more than about
 * one round trip after the heal.
 */
class HealedHostIT {

    private static final Duration B = Duration.ofSeconds(4);
    private static final int POOL = 4;
    private static final int THREADS = 4;
    /** Each thread starts a request every PACE: 80 requests a second per pool. */
    private static final Duration PACE = Duration.ofMillis(50);
    /**
     * How long after the heal a request may still fail. One round trip on loopback is well under a millisecond;
     * the rest is this machine's scheduling noise (2 cores shared), which the drill must not fail on.
     */
    private static final Duration ONE_ROUND_TRIP_AND_NOISE = Duration.ofMillis(100);

    @Test
    void hostHealedUnderTraffic_isReadmittedAtOnce_andNoRequestFailsAfterTheHeal() throws Exception {
        Drills.requireKernelFaults();
        DatabaseTarget target = DatabaseTargets.resolve(DatabaseTarget.Kind.POSTGRESQL);
        Pools.killAllSessions(target, "postgresql");
        CountDownLatch down = new CountDownLatch(1);
        AtomicLong upAt = new AtomicLong();
        CountDownLatch up = new CountDownLatch(1);
        List<Lane> lanes = new ArrayList<>();
        try (HikariDataSource plain = new HikariDataSource(Pools.hikari(target, "postgresql", "healed-plain", POOL));
                LivenessDataSource ours = LivenessDataSource.create(Pools.hikari(target, "postgresql",
                        "healed-liveness", POOL), LivenessConfig.builder().detectionBudget(B).build());
                NftFaults faults = NftFaults.open()) {
            ours.addListener(new LivenessListener() {
                @Override
                public void onHostDown(String host, String evidence, long atNanos) {
                    down.countDown();
                }

                @Override
                public void onHostUp(String host, Duration downFor, long atNanos) {
                    upAt.compareAndSet(0, atNanos);
                    up.countDown();
                }
            });
            try (Connection c = ours.getConnection()) {
                // starts the wrapped pool
            }
            Pools.awaitIdle(plain, POOL, Duration.ofSeconds(10));
            Pools.awaitIdle(ours.unwrap(HikariDataSource.class), POOL, Duration.ofSeconds(10));
            lanes.add(new Lane("HikariCP 7.1 defaults", plain));
            lanes.add(new Lane("jdbc-liveness", ours));
            for (Lane lane : lanes) {
                lane.start();
            }
            Pools.parkUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));

            faults.blackhole(target.port());
            long faultAt = System.nanoTime();
            assertTrue(down.await(2 * B.toSeconds(), TimeUnit.SECONDS), "the host was judged down within 2 × B: "
                    + ours.stats().host());
            Pools.parkUntil(faultAt + 2 * B.toNanos());
            faults.heal();
            // nft has returned: packets pass again. The rule is gone a moment before nft exits, so a borrower's trial
            // may re-admit the host a millisecond or so "before" this.
            long healAt = System.nanoTime();
            for (Lane lane : lanes) {
                lane.healAt = healAt;
            }
            boolean readmitted = up.await(B.toSeconds(), TimeUnit.SECONDS);
            Pools.parkUntil(healAt + B.toNanos()); // traffic goes on for B after the heal
            for (Lane lane : lanes) {
                lane.stop();
            }
            // The plain pool's requests on the dropped flows finish when a retransmission gets through after the heal.
            Pools.killAllSessions(target, "postgresql");
            for (Lane lane : lanes) {
                lane.join(Duration.ofSeconds(30));
            }

            StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "Host down %d s under traffic "
                    + "(%d threads, a request each every %d ms), then healed; B = %d s:%n", 2 * B.toSeconds(), THREADS,
                    PACE.toMillis(), B.toSeconds()));
            for (Lane lane : lanes) {
                report.append("  ").append(lane).append('\n');
            }
            report.append(String.format(Locale.ROOT, "  jdbc-liveness re-admitted the host %s after the heal; %s%n",
                    readmitted ? ms(upAt.get() - healAt) : "not within B", ours.stats().host()));
            System.out.print(report);

            Lane plainLane = lanes.get(0);
            Lane ourLane = lanes.get(1);
            assertTrue(readmitted, report.toString());
            // Re-admitted by the first borrower after the heal: measured from the heal or from that borrower's start,
            // whichever is later (the paced traffic may send none for up to PACE).
            long firstAsked = Math.max(0, ourLane.firstStartAfterHeal.get());
            assertTrue(upAt.get() - healAt - firstAsked <= ONE_ROUND_TRIP_AND_NOISE.toNanos(), report.toString());
            assertTrue(ourLane.lastFailedStartAfterHeal.get() <= ONE_ROUND_TRIP_AND_NOISE.toNanos(),
                    "no request may fail that started more than a round trip after the heal: " + report);
            assertTrue(ourLane.startedAfterHeal.get() > 0 && ourLane.okAfterHeal.get() > 0, report.toString());
            assertTrue(ourLane.firstOkAfterHeal.get() <= B.toNanos(), "served again within B: " + report);
            assertTrue(ourLane.failedAfterHeal.get() <= plainLane.failedAfterHeal.get() + 1,
                    "failed after the heal: ours " + ourLane + ", plain " + plainLane);
            assertEquals(0, ours.stats().knownDeadNow(), ours.stats().toString());
        } finally {
            for (Lane lane : lanes) {
                lane.stop();
            }
            Pools.killAllSessions(target, "postgresql");
        }
    }

    private static String msOrDash(long nanos) {
        return nanos < 0 ? "-" : ms(nanos);
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    /** One pool and its paced application threads; counts what happened to the requests started after the heal. */
    private static final class Lane {
        final String label;
        final DataSource ds;
        final List<Thread> threads = new ArrayList<>();
        volatile boolean stopped;
        volatile long stoppedAt = Long.MAX_VALUE;
        final AtomicLong unfinished = new AtomicLong();
        volatile long healAt = Long.MAX_VALUE;
        final AtomicLong startedAfterHeal = new AtomicLong();
        final AtomicLong failedAfterHeal = new AtomicLong();
        final AtomicLong okAfterHeal = new AtomicLong();
        /** The latest start, after the heal, of a request that failed (nanoseconds after the heal), or -1. */
        final AtomicLong lastFailedStartAfterHeal = new AtomicLong(-1);
        /** The end of the first request started after the heal that succeeded (nanoseconds after the heal), or -1. */
        final AtomicLong firstOkAfterHeal = new AtomicLong(-1);
        final AtomicReference<String> firstFailure = new AtomicReference<>();
        /** The start of the first request after the heal (nanoseconds after the heal), or -1. */
        final AtomicLong firstStartAfterHeal = new AtomicLong(-1);

        Lane(String label, DataSource ds) {
            this.label = label;
            this.ds = ds;
        }

        void start() {
            for (int i = 0; i < THREADS; i++) {
                Thread t = new Thread(this::run, "healed-" + label + "-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void run() {
            long next = System.nanoTime();
            while (!stopped) {
                long start = System.nanoTime();
                SQLException error = null;
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                } catch (SQLException e) {
                    error = e;
                }
                long end = System.nanoTime();
                record(start, end, error);
                next += PACE.toNanos();
                if (next - end < 0) {
                    next = end; // a request that waited long: go on at once, then keep the pace again
                }
                Pools.parkUntil(next);
            }
        }

        private void record(long start, long end, SQLException error) {
            long heal = healAt;
            if (start - heal < 0) {
                return;
            }
            firstStartAfterHeal.accumulateAndGet(start - heal, (a, b) -> a < 0 ? b : Math.min(a, b));
            if (end - stoppedAt > 0) {
                unfinished.incrementAndGet(); // still waiting when the drill ended (and the sessions were killed)
                return;
            }
            startedAfterHeal.incrementAndGet();
            if (error == null) {
                okAfterHeal.incrementAndGet();
                firstOkAfterHeal.accumulateAndGet(end - heal, (a, b) -> a < 0 ? b : Math.min(a, b));
            } else {
                failedAfterHeal.incrementAndGet();
                lastFailedStartAfterHeal.accumulateAndGet(start - heal, Math::max);
                firstFailure.compareAndSet(null, error.getSQLState() + " " + error.getMessage());
            }
        }

        void stop() {
            if (!stopped) {
                stoppedAt = System.nanoTime();
                stopped = true;
            }
        }

        void join(Duration deadline) throws InterruptedException {
            long end = System.nanoTime() + deadline.toNanos();
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-22s started after the heal %d (the first %s after it), failed %d "
                    + "(the last one started %s after the heal), first success %s after the heal, %d unfinished at "
                    + "the end%s", label, startedAfterHeal.get(), msOrDash(firstStartAfterHeal.get()),
                    failedAfterHeal.get(), msOrDash(lastFailedStartAfterHeal.get()), msOrDash(firstOkAfterHeal.get()),
                    unfinished.get(), firstFailure.get() == null ? "" : "; first failure: " + firstFailure.get());
        }
    }
}

package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pool that starts lazily ({@code wrap()}, the JavaBean form, Spring Boot) and whose first borrows meet a database
 * that accepts connections and never answers (a relay in the JVM, frozen before the pool starts): five borrowers at
 * once must each end within B + 1 s with the evidence, as they do on a started pool, not one start attempt after
 * another. Plain HikariCP, started lazily the same way, beside it.
 */
class LazyStartIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int BORROWERS = 5;
    private static final Duration LIMIT = B.plusSeconds(1);

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void hungDatabaseAtTheFirstBorrow_everyWaitingBorrowerEndsWithinBudget(DatabaseTarget.Kind kind, String driver)
            throws Exception {
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        HikariConfig config = Pools.hikari(target, driver, "lazy-liveness", 4);
        try (TcpRelay relay = TcpRelay.start(target.host(), target.port())) {
            relay.freeze();
            HikariDataSource unstarted = new HikariDataSource();
            config.copyStateTo(unstarted);
            unstarted.setJdbcUrl(relay.rewrite(config.getJdbcUrl()));
            List<Long> ours;
            try (LivenessDataSource ds = LivenessDataSource.wrap(unstarted,
                    LivenessConfig.builder().detectionBudget(B).build())) {
                ours = borrowAtOnce(ds, LIMIT.plusSeconds(10));
            }
            HikariDataSource plain = new HikariDataSource();
            Pools.hikari(target, driver, "lazy-plain", 4).copyStateTo(plain);
            plain.setJdbcUrl(relay.rewrite(config.getJdbcUrl()));
            List<Long> plainTimes;
            try {
                plainTimes = borrowAtOnce(plain, LIMIT.plusSeconds(1)); // plain HikariCP is given a little more
            } finally {
                relay.close(); // ends the plain borrowers still waiting on the frozen relay
                plain.close();
            }
            System.out.printf("lazy start on a hung database (%s on %s), %d borrowers at once, ms until each "
                    + "ended (-1: still waiting):%n  HikariCP defaults: %s%n  jdbc-liveness:     %s%n", driver,
                    kind, BORROWERS, plainTimes, ours);
            assertEquals(BORROWERS, ours.size());
            for (long ms : ours) {
                assertTrue(ms >= 0 && ms <= LIMIT.toMillis(), "a borrower ended after " + ms + " ms: " + ours);
            }
        }
    }

    /**
     * Five threads borrow at once; each gets an exception (the database never answers). Returns how long each took,
     * in ms, or -1 for one still waiting at {@code deadline}.
     */
    private static List<Long> borrowAtOnce(DataSource ds, Duration deadline) throws InterruptedException {
        long start = System.nanoTime();
        List<CompletableFuture<Long>> borrowers = new ArrayList<>();
        for (int i = 0; i < BORROWERS; i++) {
            borrowers.add(CompletableFuture.supplyAsync(() -> {
                try (Connection c = ds.getConnection()) {
                    throw new AssertionError("a hung database handed out a connection: " + c);
                } catch (java.sql.SQLException | RuntimeException e) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
            }, runnable -> new Thread(runnable, "lazy-borrower").start()));
        }
        List<Long> took = new ArrayList<>();
        long end = start + deadline.toNanos();
        for (CompletableFuture<Long> b : borrowers) {
            try {
                took.add(b.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                took.add(-1L);
            } catch (ExecutionException e) {
                throw new AssertionError(e.getCause());
            }
        }
        took.sort(Long::compare);
        return took;
    }
}

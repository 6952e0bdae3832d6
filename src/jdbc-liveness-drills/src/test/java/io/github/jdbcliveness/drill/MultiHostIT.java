package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A pool over a multi-host URL is judged host by host: two PostgreSQL servers behind one pgjdbc URL
 * ({@code targetServerType} left at {@code any}, so the pool's connections all go to the first, A). A's path goes
 * dead (a kernel blackhole on its port) under traffic; B stays up. jdbc-liveness (nothing but B set) evicts A's
 * connections and refills on B, which pgjdbc reaches after A's connect timeout: no borrower fails with "host down",
 * since B could serve, and no request waits past B. Then B's path dies too: now every host is down and borrowers
 * fail fast. Plain HikariCP side by side: its requests on A wait for as long as the path stays dead.
 */
class MultiHostIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 6;
    private static final int THREADS = 4;
    private static final Duration PACE = Duration.ofMillis(20);
    /** How long traffic goes on past B with one host down: requests started then must all succeed. */
    private static final Duration AFTER_B = Duration.ofSeconds(3);
    /** A margin over B for a loaded 2-core machine. */
    private static final Duration MARGIN = Duration.ofSeconds(1);

    @Test
    void oneHostDown_borrowersGoOnToTheOther_noneFailsAsHostDown_bothDown_borrowersFailFast() throws Exception {
        Drills.requireKernelFaults();
        try (EmbeddedPostgresTarget a = EmbeddedPostgresTarget.start();
                EmbeddedPostgresTarget b = EmbeddedPostgresTarget.start();
                NftFaults faults = NftFaults.open()) {
            String url = "jdbc:postgresql://127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port() + "/postgres";
            HikariDataSource plain = new HikariDataSource(Pools.namedPostgresPool(url, "multihost-plain", POOL));
            try (LivenessDataSource ours = LivenessDataSource.create(
                    Pools.namedPostgresPool(url, "multihost-liveness", POOL),
                    LivenessConfig.builder().detectionBudget(B).build())) {
                Waits.awaitFull(plain, POOL);
                Waits.awaitFull(ours.unwrap(HikariDataSource.class), POOL);
                assertEquals(POOL, Pools.postgresSessions(a, "multihost-liveness"),
                        "the pool's premise: every connection on A");

                WriteTraffic plainReads = WriteTraffic.start(plain, "multihost-plain", THREADS, PACE,
                        MultiHostIT::serverPort);
                WriteTraffic ourReads = WriteTraffic.start(ours, "multihost-liveness", THREADS, PACE,
                        MultiHostIT::serverPort);
                Pools.parkUntil(System.nanoTime() + Duration.ofSeconds(1).toNanos());

                long aDown = System.nanoTime();
                faults.blackhole(a.port());
                Pools.parkUntil(aDown + B.toNanos() + AFTER_B.toNanos());
                long bothDown = System.nanoTime();
                WriteTraffic.Outage oursOneDown = ourReads.outage(aDown, bothDown, B, ourReads.waitingLongerThan(B));
                WriteTraffic.Outage plainOneDown = plainReads.outage(aDown, bothDown, B,
                        plainReads.waitingLongerThan(B));
                List<LivenessStats.Host> hostsOneDown = ours.stats().hosts();
                int oursOnB = Pools.postgresSessions(b, "multihost-liveness");

                faults.blackhole(b.port());
                Pools.parkUntil(bothDown + B.toNanos() + MARGIN.toNanos());
                long end = System.nanoTime();
                WriteTraffic.Outage oursBothDown = ourReads.outage(bothDown, end, B, ourReads.waitingLongerThan(B));
                List<LivenessStats.Host> hostsBothDown = ours.stats().hosts();
                faults.heal();
                plain.close(); // aborts the requests still waiting on A
                plainReads.stop();
                ourReads.stop();

                System.out.printf(Locale.ROOT, "Multi-host drill (PostgreSQL 14, pgjdbc, two hosts, B = %.2f s)%n",
                        B.toMillis() / 1000.0);
                System.out.printf(Locale.ROOT, "  A's path dead, B up, for B + 3 s:%n    %-20s %s%n    %-20s %s; "
                        + "%d sessions on B%n    hosts: %s%n", "HikariCP defaults", plainOneDown, "jdbc-liveness",
                        oursOneDown, oursOnB, hostsOneDown);
                System.out.printf(Locale.ROOT, "  both paths dead:%n    %-20s %s%n    hosts: %s%n", "jdbc-liveness",
                        oursBothDown, hostsBothDown);

                assertEquals(0, oursOneDown.failedHostDown(), "no borrower fails as host down while B could serve: "
                        + oursOneDown + "; " + hostsOneDown);
                assertEquals(0, oursOneDown.failedAfterB(), "no request started after B fails: " + oursOneDown);
                assertEquals(0, oursOneDown.unfinished(), "no request waits past B: " + oursOneDown);
                assertTrue(oursOneDown.slowestSeconds() <= B.toMillis() / 1000.0,
                        "slowest request with one host down: " + oursOneDown);
                assertTrue(oursOnB > 0, "the pool refilled on B");
                assertEquals(List.of(true, false), hostsOneDown.stream().map(LivenessStats.Host::down).toList(),
                        "A judged down, B not: " + hostsOneDown);
                assertEquals(List.of(true, true), hostsBothDown.stream().map(LivenessStats.Host::down).toList(),
                        "both judged down: " + hostsBothDown);
                assertTrue(oursBothDown.failedHostDown() > 0, "with every host down, borrowers fail fast: "
                        + oursBothDown);
                assertEquals(0, oursBothDown.unfinished(), "no request waits past B with both down: " + oursBothDown);
                assertTrue(oursBothDown.slowestSeconds() <= B.toMillis() / 1000.0,
                        "slowest request with both hosts down: " + oursBothDown);
                // Never worse than plain HikariCP: its requests on A wait as long as the path is dead.
                assertTrue(plainOneDown.unfinished() > 0, "plain HikariCP's requests wait on A: " + plainOneDown);
                assertTrue(oursOneDown.ok() > plainOneDown.ok(), "more requests served than plain HikariCP: "
                        + oursOneDown + " vs " + plainOneDown);
            } finally {
                plain.close();
            }
        }
    }

    /** The port of the server that answered. */
    private static int serverPort(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT inet_server_port()");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

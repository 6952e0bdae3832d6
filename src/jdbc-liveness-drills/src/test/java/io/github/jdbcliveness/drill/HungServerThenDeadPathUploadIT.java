package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An upload into a server that stops reading, whose path then dies (simulation seed 424): a {@code COPY ... FROM
 * STDIN} streams on the pool's only connection when the PostgreSQL server is stopped with SIGSTOP, and once the
 * server's kernel has shut its window on both uploads (the kernel's zero-window probe timer, in {@code /proc/net/tcp})
 * nft drops every packet to and from its port. Nothing is idle, so no probe can find the server silent first; the
 * host check's SYNs go unanswered, so the verdict rests on the dead path alone. Such a verdict leaves a request
 * blocked reading to keepalive, which ends it within B; but keepalive does not run while bytes wait to be sent, and
 * the kernel probes a shut window with a back-off that reaches minutes. jdbc-liveness (nothing but B set) and plain
 * HikariCP side by side, a pool of one each.
 *
 * <p>The kernel takes one of two paths, by the window the server's kernel last offered: shut, and the write waits
 * under the zero-window probe timer (only the verdict ends it: {@code HOST_DOWN}); or a sliver, which the client
 * fills with a probe of real data that is then retransmitted (the in-flight watchdog ends it:
 * {@code UNACKNOWLEDGED_DATA}). The drill holds both to B; only the first failed before the fix.
 */
class HungServerThenDeadPathUploadIT {

    private static final Duration B = Duration.ofSeconds(6);
    /** The fault lasts 3 × B: long enough that an upload still blocked at B waited for the heal. */
    private static final Duration FAULT = B.multipliedBy(3);
    /** The kernel's zero-window probe timer ({@code /proc/net/tcp}'s {@code tr}): a write blocked on a shut window. */
    private static final String ZERO_WINDOW_PROBE_TIMER = "04:";

    @Test
    void uploadBlockedByAStoppedServer_whosePathThenDies_failsWithinB_whilePlainHikariWaitsForTheHeal()
            throws Exception {
        Drills.requireTool(NftFaults.isRoot(), "SIGSTOP of the database server and nft need root here");
        DatabaseTarget target = DatabaseTargets.postgres();
        Drills.requireTool(target.origin().equals("embedded"), "SIGSTOP needs a server on this machine");
        Pools.endAllSessions(target, "postgresql");
        try (LivenessDataSource ours = LivenessDataSource.create(
                        Pools.hikari(target, "postgresql", "stopped-dead-liveness", 1),
                        LivenessConfig.builder().detectionBudget(B).build());
                HikariDataSource plain = new HikariDataSource(Pools.hikari(target, "postgresql",
                        "stopped-dead-plain", 1));
                NftFaults faults = NftFaults.open()) {
            Pools.awaitIdle(ours.unwrap(HikariDataSource.class), 1, Duration.ofSeconds(10));
            Pools.awaitIdle(plain, 1, Duration.ofSeconds(10));
            List<Long> server = Pools.serverProcesses(target);
            EndlessRows oursRows = new EndlessRows();
            EndlessRows plainRows = new EndlessRows();
            CompletableFuture<Long> oursEnded = oursRows.uploadOn(ours);
            CompletableFuture<Long> plainEnded = plainRows.uploadOn(plain);
            assertTrue(oursRows.awaitFlowing() && plainRows.awaitFlowing(), "the uploads did not start");
            long fault = System.nanoTime();
            long healed;
            long oursAt;
            long pathDied = 0;
            ServerProcesses.signal("STOP", server);
            try {
                // The order of the two faults: the windows shut first (a few hundred ms), then the path dies.
                Pools.awaitTrue(Duration.ofSeconds(5), () -> shutWindows(target.port()) >= 2,
                        () -> shutWindows(target.port()) + " of the 2 uploads blocked on a shut window");
                pathDied = System.nanoTime();
                faults.blackhole(target.port());
                Waits.parkUntil(fault + FAULT.toNanos()); // scripted: the fault's length
                oursAt = oursEnded.getNow(0L);
            } finally {
                faults.heal(); // the path first, so that the server's window update gets through when it reads again
                ServerProcesses.signal("CONT", server);
                healed = System.nanoTime();
                oursRows.end();
                plainRows.end(); // after the heal, plain HikariCP's upload goes on to its end
            }
            long plainAt = plainEnded.get(60, TimeUnit.SECONDS);
            System.out.printf("upload into a stopped server, its path dead %.2f s later (B = %d s, %d s): "
                    + "jdbc-liveness's ended %s; plain HikariCP's %s; evictions %s; host %s%n",
                    (pathDied - fault) / 1e9, B.toSeconds(), FAULT.toSeconds(),
                    oursAt == 0 ? "only after the heal" : String.format("%.2f s after SIGSTOP", (oursAt - fault) / 1e9),
                    plainAt - healed >= 0 ? String.format("%.2f s after the heal", (plainAt - healed) / 1e9)
                            : String.format("%.2f s after SIGSTOP", (plainAt - fault) / 1e9),
                    ours.stats().evictions(), ours.stats().host());
            assertTrue(plainAt - healed >= 0, "plain HikariCP's upload ended before the heal: the write was not "
                    + "blocked, and the drill shows nothing");
            assertTrue(oursAt != 0, "jdbc-liveness's upload was still blocked when the fault ended, "
                    + FAULT.toSeconds() + " s after SIGSTOP; " + ours.stats().host());
            assertTrue(oursAt - fault <= B.toNanos() + TimeUnit.SECONDS.toNanos(1),
                    "jdbc-liveness's upload ended " + (oursAt - fault) / 1e9 + " s after SIGSTOP");
        }
    }

    /** How many of this machine's established connections to {@code port} wait on a shut window. */
    private static long shutWindows(int port) {
        String remote = String.format(":%04X", port);
        long n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of(table))) {
                n += lines.skip(1).map(l -> l.trim().split("\\s+"))
                        .filter(f -> f.length > 5 && f[2].endsWith(remote) && f[3].equals("01")
                                && f[5].startsWith(ZERO_WINDOW_PROBE_TIMER))
                        .count();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return n;
    }
}

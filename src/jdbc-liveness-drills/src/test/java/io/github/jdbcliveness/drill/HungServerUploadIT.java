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
 * An upload into a hung server (simulation seed 50): a {@code COPY ... FROM STDIN} is streaming when the whole
 * PostgreSQL server is stopped with SIGSTOP. The server's kernel fills its receive buffer and shuts the window; the
 * driver's write blocks, with nothing unacknowledged for the watchdog to see and no read for the host verdict to
 * weigh. jdbc-liveness (nothing but B set) and plain HikariCP side by side, each uploading on one connection of a pool
 * of four while the other three idle.
 */
class HungServerUploadIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 4;
    /** The hang lasts 3 × B: long enough that an upload still blocked at B waited for the heal. */
    private static final Duration HANG = B.multipliedBy(3);

    @Test
    void uploadBlockedWritingToAHungServer_failsWithinB_whilePlainHikariWaitsForTheHeal() throws Exception {
        Drills.requireTool(NftFaults.isRoot(), "SIGSTOP of the database server needs root here");
        DatabaseTarget target = DatabaseTargets.postgres();
        Drills.requireTool(target.origin().equals("embedded"), "SIGSTOP needs a server on this machine");
        Pools.endAllSessions(target, "postgresql");
        try (LivenessDataSource ours = LivenessDataSource.create(
                        Pools.hikari(target, "postgresql", "upload-liveness", POOL),
                        LivenessConfig.builder().detectionBudget(B).build());
                HikariDataSource plain = new HikariDataSource(Pools.hikari(target, "postgresql", "upload-plain",
                        POOL))) {
            Pools.awaitIdle(ours.unwrap(HikariDataSource.class), POOL, Duration.ofSeconds(10));
            Pools.awaitIdle(plain, POOL, Duration.ofSeconds(10));
            List<Long> server = Pools.serverProcesses(target);
            EndlessRows oursRows = new EndlessRows();
            EndlessRows plainRows = new EndlessRows();
            CompletableFuture<Long> oursEnded = oursRows.uploadOn(ours);
            CompletableFuture<Long> plainEnded = plainRows.uploadOn(plain);
            assertTrue(oursRows.awaitFlowing() && plainRows.awaitFlowing(), "the uploads did not start");
            long fault = System.nanoTime();
            ServerProcesses.signal("STOP", server);
            long healed;
            long oursAt;
            try {
                Waits.parkUntil(fault + HANG.toNanos()); // scripted: the hang's length
                oursAt = oursEnded.getNow(0L);
            } finally {
                ServerProcesses.signal("CONT", server);
                healed = System.nanoTime();
                oursRows.end();
                plainRows.end(); // after the heal, plain HikariCP's upload goes on to its end
            }
            long plainAt = plainEnded.get(30, TimeUnit.SECONDS);
            System.out.printf("upload into a hung server (B = %d s, hang %d s): jdbc-liveness's ended %s; plain "
                    + "HikariCP's %s (%.1f MB and %.1f MB sent)%n", B.toSeconds(), HANG.toSeconds(),
                    oursAt == 0 ? "only after the heal" : String.format("%.2f s after SIGSTOP", (oursAt - fault) / 1e9),
                    plainAt - healed >= 0 ? String.format("%.2f s after the heal", (plainAt - healed) / 1e9)
                            : String.format("%.2f s after SIGSTOP", (plainAt - fault) / 1e9),
                    oursRows.sent() / 1e6, plainRows.sent() / 1e6);
            assertTrue(plainAt - healed >= 0, "plain HikariCP's upload ended before the heal: the write was not "
                    + "blocked, and the drill shows nothing");
            assertTrue(oursAt != 0, "jdbc-liveness's upload was still blocked when the hang ended, " + HANG.toSeconds()
                    + " s after SIGSTOP; " + ours.stats().host());
            assertTrue(oursAt - fault <= B.toNanos() + TimeUnit.SECONDS.toNanos(1),
                    "jdbc-liveness's upload ended " + (oursAt - fault) / 1e9 + " s after SIGSTOP");
        }
    }
}

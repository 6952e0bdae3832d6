package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The watchdog aborts on evidence that a path is dead, never because it is busy. A COPY FROM STDIN of 20 MB streams
 * over a healthy path limited to 8 Mbit/s (a token bucket on a veth pair into a namespace of the drill's own): its
 * socket holds unacknowledged bytes under the retransmit timer for the whole upload, which is what a dead path looks
 * like to a watchdog that does not look for acknowledgement progress. It must complete untouched, with the defaults
 * for B = 6 s. Then the same path is blackholed under a second upload, which must be aborted within B.
 */
class SlowUploadIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final String RATE = "8mbit";
    private static final long BYTES = 20L << 20;

    @Test
    void aLongUploadOverASlowHealthyPath_completesUntouched_andTheSamePathDeadIsAbortedWithinB() throws Exception {
        Drills.requireKernelFaults();
        String why = RateLimitedPath.unavailableReason();
        Drills.requireTool(why == null, why);
        DatabaseTarget target = DatabaseTargets.postgres();
        EvictionRecorder recorder = new EvictionRecorder();
        try (RateLimitedPath path = RateLimitedPath.open(target.port(), RATE);
                LivenessDataSource ds = LivenessDataSource.create(hikari(target, path),
                        LivenessConfig.builder().detectionBudget(B).build());
                NftFaults faults = NftFaults.open()) {
            ds.addListener(recorder);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS slow_upload");
                s.execute("CREATE UNLOGGED TABLE slow_upload (id int, payload text)");
            }

            long start = System.nanoTime();
            long rows = copy(ds);
            long took = System.nanoTime() - start;
            System.out.printf("slow upload: COPY of %d MB over %s took %.1f s, %s%n", BYTES >> 20, RATE, took / 1e9,
                    ds.stats().evictions());
            assertTrue(rows > 0);
            assertTrue(took >= TimeUnit.SECONDS.toNanos(15), "the path was not slow: " + took / 1e9 + " s");
            assertEquals(0L, ds.stats().evictions().get(EvictionReason.UNACKNOWLEDGED_DATA),
                    "the watchdog aborted a healthy upload: " + recorder.evictions());

            CompletableFuture<Long> doomed = CompletableFuture.supplyAsync(() -> {
                try {
                    return copy(ds);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Waits.parkUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(2)); // scripted: the upload is under way
            faults.blackhole(path.port());
            long fault = System.nanoTime();
            List<EvictionRecorder.Eviction> seen = recorder.await(1, B.plusSeconds(2));
            long noticed = seen.isEmpty() ? -1 : seen.get(0).atNanos() - fault;
            System.out.printf("slow upload, path blackholed 2 s in: %s after %.2f s%n",
                    seen.isEmpty() ? "nothing" : seen.get(0).reason(), noticed / 1e9);
            assertEquals(1, seen.size(), "no eviction within " + B.plusSeconds(2));
            assertEquals(EvictionReason.UNACKNOWLEDGED_DATA, seen.get(0).reason());
            assertTrue(noticed <= B.toNanos(), "aborted " + noticed / 1e9 + " s after the fault, budget " + B);
            assertTrue(doomed.handle((n, e) -> e != null).get(B.toSeconds(), TimeUnit.SECONDS),
                    "the upload into the dead path should have failed");
        }
    }

    private static HikariConfig hikari(DatabaseTarget target, RateLimitedPath path) {
        HikariConfig c = Pools.hikari(target, "postgresql", "slow-upload", 2);
        c.setJdbcUrl(target.jdbcUrl("postgresql").replace("127.0.0.1:" + target.port(),
                path.host() + ":" + path.port()));
        return c;
    }

    private static long copy(LivenessDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY slow_upload FROM STDIN", new Rows(BYTES));
        } catch (java.io.IOException e) {
            throw new SQLException(e);
        }
    }

    /** {@code bytes} of COPY text rows, generated as read. */
    private static final class Rows extends InputStream {
        private static final byte[] ROW_TAIL = ("\t" + "x".repeat(1000) + "\n").getBytes(StandardCharsets.US_ASCII);
        private final long total;
        private long sent;
        private byte[] row = new byte[0];
        private int at;
        private long id;

        Rows(long total) {
            this.total = total;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
                if (at == row.length) {
                    if (sent >= total) {
                        break; // whole rows only
                    }
                    byte[] head = Long.toString(id++).getBytes(StandardCharsets.US_ASCII);
                    row = new byte[head.length + ROW_TAIL.length];
                    System.arraycopy(head, 0, row, 0, head.length);
                    System.arraycopy(ROW_TAIL, 0, row, head.length, ROW_TAIL.length);
                    at = 0;
                }
                int k = Math.min(len - n, row.length - at);
                System.arraycopy(row, at, b, off + n, k);
                at += k;
                n += k;
                sent += k;
            }
            return n == 0 && len > 0 ? -1 : n;
        }
    }
}

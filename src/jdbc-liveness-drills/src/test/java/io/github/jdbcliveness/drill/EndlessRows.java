package io.github.jdbcliveness.drill;

import java.io.Reader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * An upload that streams until told to end: rows of 1 KB for a {@code COPY ... FROM STDIN}, as many as the driver
 * reads, counting what was handed over. For drills of a write that a server stops taking.
 */
final class EndlessRows extends Reader {

    private static final char[] ROW = ("x".repeat(1023) + "\n").toCharArray();
    private final CountDownLatch flowing = new CountDownLatch(1);
    private volatile boolean ended;
    private volatile long sent;
    private int pos;

    /** Uploads these rows on one connection of {@code ds}; completes with when it ended, failed or not. */
    CompletableFuture<Long> uploadOn(DataSource ds) {
        return CompletableFuture.supplyAsync(() -> {
            try (Connection c = ds.getConnection()) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TEMP TABLE upload (payload text)");
                }
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY upload FROM STDIN", this);
            } catch (SQLException | java.io.IOException e) {
                // jdbc-liveness ended it; when is what counts
            }
            return System.nanoTime();
        });
    }

    @Override
    public int read(char[] buf, int off, int len) {
        if (ended) {
            return -1;
        }
        int n = 0;
        while (n < len) {
            int k = Math.min(len - n, ROW.length - pos);
            System.arraycopy(ROW, pos, buf, off + n, k);
            pos = (pos + k) % ROW.length;
            n += k;
        }
        sent += n;
        if (sent > 16L * 1024 * 1024) {
            flowing.countDown(); // 16 MB through: the upload runs, well past any socket buffer
        }
        return n;
    }

    boolean awaitFlowing() throws InterruptedException {
        return flowing.await(30, TimeUnit.SECONDS);
    }

    void end() {
        ended = true;
    }

    long sent() {
        return sent;
    }

    @Override
    public void close() {
    }
}

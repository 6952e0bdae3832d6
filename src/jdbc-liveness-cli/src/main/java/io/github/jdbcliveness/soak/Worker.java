package io.github.jdbcliveness.soak;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * One application thread of a soak: borrow, do one request of a kind drawn from its seed, return, think a little,
 * until stopped. Both pools' workers draw the same requests from the same seeds.
 */
final class Worker implements Runnable {

    private final DataSource ds;
    private final SoakSql sql;
    private final String pool;
    private final int index;
    private final long budgetNanos;
    private final long originNanos;
    private final SplittableRandom random;
    private final List<RequestRecord> records;
    volatile boolean stopped;
    /** Whether a request is under way, for the interrupter (which interrupts only then). */
    volatile boolean inRequest;
    volatile Thread thread;
    volatile boolean done;

    Worker(DataSource ds, SoakSql sql, String pool, int index, long seed, long budgetNanos, long originNanos,
            List<RequestRecord> records) {
        this.ds = ds;
        this.sql = sql;
        this.pool = pool;
        this.index = index;
        this.budgetNanos = budgetNanos;
        this.originNanos = originNanos;
        this.random = new SplittableRandom(seed * 1_000_003 + index);
        this.records = records;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            while (!stopped) {
                RequestKind kind = draw();
                long expected = kind == RequestKind.LONG ? 500_000_000L + random.nextLong(3 * budgetNanos / 2) : 0;
                int uploadBytes = random.nextInt(10) == 0 ? 4 * 1024 * 1024 + random.nextInt(12 * 1024 * 1024)
                        : 16 * 1024 + random.nextInt(496 * 1024); // one in ten fills the socket buffers
                Thread.interrupted(); // an interrupt that came after the last request is not this one's
                long start = System.nanoTime();
                String error = null;
                inRequest = true;
                try {
                    run(kind, expected, uploadBytes);
                } catch (SQLException | RuntimeException e) {
                    error = e.getClass().getSimpleName() + ": " + e.getMessage();
                } finally {
                    inRequest = false;
                }
                boolean interrupted = Thread.interrupted();
                long end = System.nanoTime();
                records.add(new RequestRecord(kind, start - originNanos, end - originNanos, expected, interrupted,
                        error));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5 + random.nextInt(45))); // think time
            }
        } finally {
            done = true;
        }
    }

    private RequestKind draw() {
        int r = random.nextInt(100);
        return r < 50 ? RequestKind.SHORT : r < 70 ? RequestKind.TRANSACTION : r < 85 ? RequestKind.LONG
                : RequestKind.UPLOAD;
    }

    private void run(RequestKind kind, long expectedNanos, int uploadBytes) throws SQLException {
        try (Connection c = ds.getConnection()) {
            switch (kind) {
                case SHORT -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT 1");
                    }
                }
                case TRANSACTION -> transaction(c);
                case LONG -> {
                    try (PreparedStatement s = c.prepareStatement(sql.longQuery())) {
                        s.setDouble(1, expectedNanos / 1e9);
                        s.execute();
                    }
                }
                case UPLOAD -> sql.upload(c, pool, uploadBytes);
            }
        }
    }

    private void transaction(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement up = c.prepareStatement("UPDATE soak_counters SET n = n + 1 WHERE pool = ? AND worker = ?");
                PreparedStatement read = c.prepareStatement("SELECT n FROM soak_counters WHERE pool = ? AND worker = ?")) {
            for (PreparedStatement ps : List.of(up, read)) {
                ps.setString(1, pool);
                ps.setInt(2, index);
            }
            up.executeUpdate();
            read.executeQuery().close();
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
    }
}

package io.github.jdbcliveness.soak;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.drill.TcpRelay;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * One pool of a soak with its relay, its application threads and the thread that interrupts them now and then (as
 * an application cancels work): the same seed drives both pools' lanes.
 */
final class Lane implements AutoCloseable {

    static final int POOL = 6;
    static final int WORKERS = 4;

    final String label;
    /** HikariCP's pool name, and the user its sessions log in as. */
    final String pool;
    final DataSource ds;
    final HikariDataSource hikari;
    final TcpRelay relay;
    final List<RequestRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;

    Lane(String label, String pool, DataSource ds, HikariDataSource hikari, TcpRelay relay) {
        this.label = label;
        this.pool = pool;
        this.ds = ds;
        this.hikari = hikari;
        this.relay = relay;
    }

    /** The jdbc-liveness pool, or null for plain HikariCP. */
    LivenessDataSource liveness() {
        return ds instanceof LivenessDataSource l ? l : null;
    }

    void start(SoakSql sql, long seed, long budgetNanos, long originNanos) {
        for (int i = 0; i < WORKERS; i++) {
            Worker w = new Worker(ds, sql, pool, i, seed, budgetNanos, originNanos, records);
            workers.add(w);
            threads.add(startThread(w, label + "-worker-" + i));
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        threads.add(startThread(() -> interrupter(random), label + "-interrupter"));
    }

    /** Every 1 to 4 s, interrupts one application thread that is in a request. */
    private void interrupter(SplittableRandom random) {
        while (!stopped) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1000 + random.nextInt(3000)));
            Worker w = workers.get(random.nextInt(workers.size()));
            Thread t = w.thread;
            if (!stopped && w.inRequest && t != null) {
                t.interrupt();
            }
        }
    }

    private static Thread startThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Stops the traffic: no request starts after this. */
    void stop() {
        stopped = true;
        workers.forEach(w -> w.stopped = true);
    }

    /** Waits up to {@code deadlineNanos} for what is under way after {@link #stop}; returns the threads still busy. */
    int awaitStopped(long deadlineNanos) {
        int busy = 0;
        for (Thread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return threads.size();
            }
            if (t.isAlive()) {
                busy++;
            }
        }
        return busy;
    }

    @Override
    public void close() {
        stop();
        if (ds instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }
}

package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A failover where the old primary stays up and answers: two PostgreSQL servers behind one pgjdbc multi-host URL
 * with {@code targetServerType=primary}. Server A is the primary, B read-only; under write traffic B becomes
 * writable and A read-only ({@code default_transaction_read_only}, as a fenced old primary is), and pgjdbc's next
 * new connection lands on B. Plain HikariCP and jdbc-liveness (nothing but B set) side by side: with plain HikariCP
 * every write fails with SQLState 25006 until {@code maxLifetime} retires its connections; jdbc-liveness's probes
 * read the server's reported role, evict A's connections and refill on B, and no write started after B fails.
 *
 * <p>No replication here: each server has its own table, and the drill asks each write which server took it. What
 * a streaming-replication promotion adds (an old primary turned hot standby reports {@code in_hot_standby = on}) the
 * same check reads.
 */
class FailoverIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;
    private static final int THREADS = 4;
    private static final Duration PACE = Duration.ofMillis(10);
    private static final Duration WARM_UP = Duration.ofSeconds(1);

    private record Write(long startNanos, long endNanos, int serverPort, String sqlState) {
    }

    @Test
    void oldPrimaryStaysUpReadOnly_writesMoveToTheNewPrimaryWithinB_plainHikariKeepsFailing() throws Exception {
        try (EmbeddedPostgresTarget a = EmbeddedPostgresTarget.start();
                EmbeddedPostgresTarget b = EmbeddedPostgresTarget.start()) {
            for (EmbeddedPostgresTarget s : List.of(a, b)) {
                admin(s, "CREATE TABLE IF NOT EXISTS failover_writes (id bigserial, pool text)");
            }
            setReadOnly(b, true);
            String url = "jdbc:postgresql://127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port()
                    + "/postgres?targetServerType=primary";
            try (HikariDataSource plain = new HikariDataSource(hikari(url, "failover-plain"));
                    LivenessDataSource ours = LivenessDataSource.create(hikari(url, "failover-liveness"),
                            LivenessConfig.builder().detectionBudget(B).build())) {
                Waits.awaitFull(plain, POOL);
                Waits.awaitFull(ours.unwrap(HikariDataSource.class), POOL);
                assertEquals(POOL, sessions(a, "failover-plain"));
                assertEquals(POOL, sessions(a, "failover-liveness"));

                Writes plainWrites = Writes.start(plain, "failover-plain");
                Writes ourWrites = Writes.start(ours, "failover-liveness");
                Pools.parkUntil(System.nanoTime() + WARM_UP.toNanos());

                long failover = System.nanoTime();
                setReadOnly(b, false); // the promotion
                setReadOnly(a, true); // the old primary fenced, still up
                Pools.parkUntil(failover + B.toNanos());
                int plainLeftOnA = sessions(a, "failover-plain");
                int oursLeftOnA = sessions(a, "failover-liveness");
                Pools.parkUntil(failover + 2 * B.toNanos());
                plainWrites.stop();
                ourWrites.stop();

                Result p = plainWrites.result(failover, a.port(), b.port());
                Result o = ourWrites.result(failover, a.port(), b.port());
                System.out.printf(Locale.ROOT, "Failover drill (PostgreSQL 14, pgjdbc targetServerType=primary, "
                        + "B = %.2f s): old primary read-only, still up%n", B.toMillis() / 1000.0);
                System.out.printf(Locale.ROOT, "  %-20s %s; sessions left on the old primary at B: %d%n",
                        "HikariCP defaults", p, plainLeftOnA);
                System.out.printf(Locale.ROOT, "  %-20s %s; sessions left on the old primary at B: %d; %s%n",
                        "jdbc-liveness", o, oursLeftOnA, ours.stats().evictions());

                assertEquals(0, o.failedAfterB, "jdbc-liveness writes started after B that failed: " + o);
                assertEquals(0, oursLeftOnA, "jdbc-liveness sessions on the old primary at B");
                assertTrue(o.onNewPrimary > 0, "jdbc-liveness writes reached the new primary: " + o);
                assertTrue(ours.stats().evictions().get(EvictionReason.WRONG_ROLE) >= POOL - THREADS,
                        "evicted for the wrong role: " + ours.stats());
                // Never worse than plain HikariCP, which keeps its sessions on the old primary.
                assertTrue(p.failedAfterB > 0 && plainLeftOnA > 0, "plain HikariCP stayed on the old primary: " + p);
                assertTrue(o.failed <= p.failed, "no more failed writes than plain HikariCP: " + o + " vs " + p);
            }
        }
    }

    private static HikariConfig hikari(String url, String name) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(url);
        c.setUsername("postgres");
        c.setMaximumPoolSize(POOL);
        c.setMinimumIdle(POOL);
        c.addDataSourceProperty("ApplicationName", name);
        return c;
    }

    private static void admin(EmbeddedPostgresTarget server, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgresql"), server.credentials());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void setReadOnly(EmbeddedPostgresTarget server, boolean on) throws SQLException {
        admin(server, "ALTER SYSTEM SET default_transaction_read_only = " + (on ? "on" : "off"));
        admin(server, "SELECT pg_reload_conf()");
    }

    /** The pool's sessions on {@code server}, from the server's own view. */
    private static int sessions(EmbeddedPostgresTarget server, String pool) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgresql"), server.credentials());
                PreparedStatement s = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, pool);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private record Result(long ok, long failed, long failedAfterB, long onNewPrimary, double lastFailureSeconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d writes ok (%d on the new primary), %d failed, %d of them started "
                    + "after B; last failure %.2f s after the failover", ok, onNewPrimary, failed, failedAfterB,
                    lastFailureSeconds);
        }
    }

    /** Application threads writing one row each {@link #PACE}, asking the server which one took it. */
    private static final class Writes {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();

        static Writes start(DataSource ds, String pool) {
            Writes w = new Writes();
            for (int i = 0; i < THREADS; i++) {
                Thread t = new Thread(() -> w.loop(ds, pool), pool + "-writer-" + i);
                t.setDaemon(true);
                w.threads.add(t);
                t.start();
            }
            return w;
        }

        private void loop(DataSource ds, String pool) {
            long next = System.nanoTime();
            while (!stop.get()) {
                long start = System.nanoTime();
                try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                        "INSERT INTO failover_writes (pool) VALUES (?) RETURNING inet_server_port()")) {
                    s.setString(1, pool);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        writes.add(new Write(start, System.nanoTime(), rs.getInt(1), null));
                    }
                } catch (SQLException e) {
                    writes.add(new Write(start, System.nanoTime(), -1, String.valueOf(e.getSQLState())));
                }
                next += PACE.toNanos();
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
        }

        Result result(long failover, int oldPort, int newPort) {
            long ok = 0;
            long failed = 0;
            long failedAfterB = 0;
            long onNew = 0;
            long lastFailure = failover;
            for (Write w : writes) {
                if (w.sqlState == null) {
                    ok++;
                    onNew += w.serverPort == newPort ? 1 : 0;
                } else if (w.startNanos - failover >= 0) {
                    failed++;
                    failedAfterB += w.startNanos - failover - B.toNanos() >= 0 ? 1 : 0;
                    lastFailure = Math.max(lastFailure, w.endNanos);
                }
            }
            return new Result(ok, failed, failedAfterB, onNew, (lastFailure - failover) / 1e9);
        }
    }
}

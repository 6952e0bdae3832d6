package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A hung PostgreSQL behind PgBouncer: the server's processes are stopped with SIGSTOP, and PgBouncer goes on answering
 * logins by itself (it holds the server's parameters from earlier ones) while every session's first round trip waits
 * for the stopped server. HikariCP's refills (and a host check whose login timeout comes first) are answered at
 * first and then wait for the server until pgjdbc's login timeout gives up; before the fix any byte read made such a
 * connect an answer, so the host was never judged down, and a query to the hung server waited as long as the hang,
 * as under plain HikariCP. A query started after the
 * stop must end within B, by the host verdict, where plain HikariCP's completes at the heal. Each pool has a PgBouncer
 * of its own; nothing but B is set.
 */
class HungServerBehindPgBouncerIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final Duration HANG = Duration.ofSeconds(18);
    private static final int POOL = 2;
    private static final int MAX_CLIENT_CONN = 20;

    @Test
    void aQueryToAHungServerBehindPgBouncer_endsWithinB_whilePlainHikariWaitsForTheHeal() throws Exception {
        Drills.requireTool(PgBouncerProcess.unavailableReason() == null, String.valueOf(
                PgBouncerProcess.unavailableReason()));
        Drills.requireTool(NftFaults.isRoot(), "SIGSTOP of the database server needs root here");
        DatabaseTarget target = DatabaseTargets.postgres();
        Drills.requireTool(target.origin().equals("embedded"), "SIGSTOP needs a server on this machine");
        try (PgBouncerProcess plainBouncer = PgBouncerProcess.start(target.host(), target.port(), target.username(),
                        MAX_CLIENT_CONN);
                PgBouncerProcess ourBouncer = PgBouncerProcess.start(target.host(), target.port(),
                        target.username(), MAX_CLIENT_CONN);
                HikariDataSource plain = new HikariDataSource(Pools.fixedPool(plainBouncer.jdbcUrl(),
                        "bouncer-plain", target.username(), target.password(), POOL));
                LivenessDataSource ours = LivenessDataSource.create(Pools.fixedPool(ourBouncer.jdbcUrl(),
                        "bouncer-liveness", target.username(), target.password(), POOL),
                        LivenessConfig.builder().detectionBudget(B).build())) {
            try (Connection warm = ours.getConnection()) {
                Pools.selectOne(warm); // starts the wrapped pool; PgBouncer now holds the server's welcome
            }
            Pools.awaitIdle(ours.unwrap(HikariDataSource.class), POOL, Duration.ofSeconds(10));
            Pools.awaitIdle(plain, POOL, Duration.ofSeconds(10));
            List<Long> server = Pools.serverProcesses(target);
            long fault = System.nanoTime();
            ServerProcesses.signal("STOP", server);
            long oursAt;
            long plainAt;
            Duration login;
            Outcome ourOutcome;
            CompletableFuture<Outcome> plainRun;
            long healed;
            try {
                CompletableFuture<Outcome> ourRun = CompletableFuture.supplyAsync(() -> query(ours, fault));
                plainRun = CompletableFuture.supplyAsync(() -> query(plain, fault));
                login = loginAnsweredWhileStopped(ourBouncer, target.username());
                Waits.parkUntil(fault + HANG.toNanos()); // scripted: the hang's length
                ourOutcome = ourRun.getNow(null);
            } finally {
                healed = System.nanoTime(); // the heal begins: nothing of the server answers before this
                ServerProcesses.signal("CONT", server);
            }
            Outcome plainOutcome = plainRun.get(30, TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "hung PostgreSQL behind PgBouncer (B = %d s, hang %d s): a login through "
                    + "PgBouncer %s; jdbc-liveness's query %s; plain HikariCP's %s; host %s%n", B.toSeconds(),
                    HANG.toSeconds(), login == null ? "got no answer" : String.format(Locale.ROOT,
                            "was answered in %.1f ms", login.toNanos() / 1e6), ourOutcome == null
                            ? "still waiting at the heal" : ourOutcome, plainOutcome, ours.stats().host());
            assertTrue(login != null, "PgBouncer did not answer a login while the server was stopped: the drill "
                    + "shows a hung server, not one behind a pooler that answers for it");
            assertTrue(plainOutcome.endedNanos() - healed >= 0, "plain HikariCP's query ended before the heal: the "
                    + "server did not hang, and the drill shows nothing: " + plainOutcome);
            assertTrue(ourOutcome != null, "jdbc-liveness's query still waited when the hang ended, "
                    + HANG.toSeconds() + " s after SIGSTOP; " + ours.stats().host());
            assertTrue(ourOutcome.error() != null, "jdbc-liveness's query completed on a stopped server: "
                    + ourOutcome);
            assertTrue(ourOutcome.tookNanos() <= B.toNanos() + TimeUnit.SECONDS.toNanos(1),
                    "jdbc-liveness's query ended " + ourOutcome);
            assertTrue(ours.stats().evictions().get(EvictionReason.HOST_DOWN) >= 1, "the query was not ended by the "
                    + "host verdict: " + ours.stats().evictions());
            assertTrue(plainOutcome.error() == null, "plain HikariCP's query failed: " + plainOutcome);
        }
    }

    /**
     * The premise: PgBouncer answers a login by itself while the server is stopped (its AuthenticationOk, the server's
     * parameters it holds, and ReadyForQuery), as a host check's own connection meets it.
     *
     * @return how long until ReadyForQuery, or null when it did not come within 3 s
     */
    private static Duration loginAnsweredWhileStopped(PgBouncerProcess bouncer, String user) throws IOException {
        try (Socket s = new Socket("127.0.0.1", bouncer.port())) {
            s.setSoTimeout(3000);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            DataOutputStream startup = new DataOutputStream(body);
            startup.writeInt(196608); // protocol 3.0
            for (String field : new String[] {"user", user, "database", "postgres"}) {
                startup.write(field.getBytes(StandardCharsets.UTF_8));
                startup.write(0);
            }
            startup.write(0);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(body.size() + 4);
            out.write(body.toByteArray());
            out.flush();
            long start = System.nanoTime();
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (true) {
                byte type = in.readByte();
                in.readNBytes(in.readInt() - 4);
                if (type == 'Z') {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    record Outcome(long tookNanos, long endedNanos, SQLException error) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %.2f s after SIGSTOP", error == null ? "completed"
                    : "failed (" + error.getSQLState() + ")", tookNanos / 1e9);
        }
    }

    /** A borrow and a query, started as the server stops. */
    private static Outcome query(DataSource ds, long fault) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            long now = System.nanoTime();
            return new Outcome(now - fault, now, null);
        } catch (SQLException e) {
            long now = System.nanoTime();
            return new Outcome(now - fault, now, e);
        }
    }
}

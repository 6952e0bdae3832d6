package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A failover by DNS: the pool's URL names the database by a name, the name moves from the old primary to the new one,
 * and the old primary stays up, fenced read-only. Two PostgreSQL servers listen on one port, A on 127.0.0.2 and B on
 * 127.0.0.3, so that only the name's address changes. The name lives in a hosts file the drill writes and the
 * application JVMs read ({@code -Djdk.net.hosts.file}: the JDK reads that file again on every lookup that misses its
 * own cache, and the cache sits in front of it as it does in front of DNS).
 *
 * <p>Two application JVMs at once, each with a jdbc-liveness pool that needs a primary (B = 6 s, nothing else set):
 * one with the JDK's default cache (30 s), one with {@code networkaddress.cache.ttl} = 3 s set as the docs recommend
 * ({@code -Djava.security.properties=FILE}), which also runs a plain HikariCP pool. At the failover B turns writable,
 * A read-only, and the name moves to B. The role check evicts every connection to A at its next borrow; the refill
 * resolves the name again, and lands on A for as long as the JVM's cache still holds the old answer, where it is
 * evicted again. The drill measures how long writes stay off B, how many connections that churn opens on A, and what
 * is left on A at B.
 */
class DnsFailoverIT {

    private static final String NAME = "db.dns-drill.test";
    private static final String OLD = "127.0.0.2";
    private static final String NEW = "127.0.0.3";
    private static final int NEW_SERVER = 3;
    private static final Duration B = DnsFailoverClient.B;
    private static final int DEFAULT_TTL_SECONDS = 30;
    private static final int SHORT_TTL_SECONDS = 3;
    /** How old the short-TTL JVM's cached answer is at the move: the writes then wait out the rest of its 3 s. */
    private static final Duration TTL_AGE_AT_MOVE = Duration.ofMillis(500);

    @Test
    void nameMoves_defaultCacheHoldsTheOldPrimaryFor30s_shortTtlFollowsWithinIt_plainHikariStays() throws Exception {
        long drillStart = System.nanoTime();
        int port = freePort();
        Path dir = Files.createTempDirectory("jdbc-liveness-dns-drill");
        Path hosts = dir.resolve("hosts");
        Path security = dir.resolve("short-ttl.security");
        Files.writeString(security, "networkaddress.cache.ttl=" + SHORT_TTL_SECONDS + "\n");
        pointName(hosts, OLD);
        // The application JVMs boot while the servers start; the default one looks the name up as soon as it runs, so
        // that its cache's 30 s start early. zonky waits for a new server by connecting to 127.0.0.1:port, so A listens
        // there too, and the drill waits for B on B's own address (zonky's look reaches A at once).
        try (Client dflt = Client.launch("dns-default", hosts, null, false, port);
                Client ttl = Client.launch("dns-ttl", hosts, security, true, port);
                EmbeddedPostgres a = server(OLD + ",127.0.0.1", port)) {
            dflt.send("resolve");
            prepare(OLD, port);
            dflt.send("start");
            ttl.send("start");
            try (EmbeddedPostgres b = server(NEW, port)) {
                drill(port, hosts, dflt, ttl, drillStart);
            }
        } finally {
            Files.deleteIfExists(hosts);
            Files.deleteIfExists(security);
            Files.deleteIfExists(dir);
        }
    }

    private static void drill(int port, Path hosts, Client dflt, Client ttl, long drillStart) throws Exception {
        Pools.awaitTrue(Duration.ofSeconds(30), () -> accepts(NEW, port), () -> "B does not accept on " + NEW);
        assertEquals(OLD, admin(OLD, port, "SELECT host(inet_server_addr())"));
        assertEquals(NEW, admin(NEW, port, "SELECT host(inet_server_addr())"));
        assertNotEquals(admin(OLD, port, "SHOW data_directory"), admin(NEW, port, "SHOW data_directory"));
        prepare(NEW, port);
        setReadOnly(NEW, port, true);
        Map<String, String> dfltResolved = dflt.await("resolved ");
        Map<String, String> ttlReady = ttl.await("ready ");
        Map<String, String> dfltReady = dflt.await("ready ");
        assertEquals("null", dfltReady.get("networkaddress.cache.ttl"), "the default JVM sets no TTL");
        assertEquals(String.valueOf(SHORT_TTL_SECONDS), ttlReady.get("networkaddress.cache.ttl"),
                "-Djava.security.properties reached the short-TTL JVM");
        // The short-TTL JVM looks the name up once its pools' answers have expired: the cache holds this one for 3 s.
        ttl.send("resolve");
        Map<String, String> ttlResolved = ttl.await("resolved ");
        Pools.parkUntil(Long.parseLong(ttlResolved.get("by")) + TTL_AGE_AT_MOVE.toNanos());

        long failover = System.nanoTime();
        setReadOnly(NEW, port, false); // the promotion
        setReadOnly(OLD, port, true); // the old primary fenced, still up
        pointName(hosts, NEW);
        long moved = System.nanoTime();
        dflt.send("moved " + failover);
        ttl.send("moved " + failover);
        Pools.parkUntil(failover + B.toNanos());
        Map<String, Integer> leftOnOld = new HashMap<>();
        for (String pool : List.of("dns-default-liveness", "dns-ttl-liveness", "dns-ttl-plain")) {
            leftOnOld.put(pool, sessions(OLD, port, pool));
        }
        Map<String, String> d = dflt.result("dns-default-liveness");
        Map<String, String> t = ttl.result("dns-ttl-liveness");
        Map<String, String> p = ttl.result("dns-ttl-plain");

        // Each JVM looked the name up between these two instants (seconds before the move).
        double dfltFrom = (failover - Long.parseLong(dfltResolved.get("from"))) / 1e9;
        double dfltBy = (failover - Long.parseLong(dfltResolved.get("by"))) / 1e9;
        double ttlFrom = (failover - Long.parseLong(ttlResolved.get("from"))) / 1e9;
        double ttlBy = (failover - Long.parseLong(ttlResolved.get("by"))) / 1e9;
        System.out.printf(Locale.ROOT, "DNS failover drill (PostgreSQL 14, the name moves from %s to %s on one "
                + "port, the old primary read-only and up; requiredRole primary, B = %.0f s; the flip took %.2f s; "
                + "drill %.1f s so far):%n", OLD, NEW, B.toMillis() / 1000.0, (moved - failover) / 1e9,
                (System.nanoTime() - drillStart) / 1e9);
        System.out.println("  jdbc-liveness, the JDK's default cache (30 s; name resolved "
                + range(dfltBy, dfltFrom) + " s before the move): " + describe(d, leftOnOld));
        System.out.println("  jdbc-liveness, networkaddress.cache.ttl=" + ttlReady.get("networkaddress.cache.ttl")
                + " (name resolved " + range(ttlBy, ttlFrom) + " s before the move): " + describe(t, leftOnOld));
        System.out.println("  plain HikariCP, networkaddress.cache.ttl=" + ttlReady.get("networkaddress.cache.ttl")
                + ": " + describe(p, leftOnOld));

        assertTrue(dfltFrom < DEFAULT_TTL_SECONDS - 2 * B.toSeconds(), "the default JVM's answer was " + dfltFrom
                + " s old at the move: the servers started too slowly for the drill to see the cache hold it");

        // Either cache: every refill resolves the name from the cache, to A, where the role check evicts it, until
        // the cached answer expires; only then does a connection open to B, and writes are normal again.
        cacheHeldTheOldAddress("default cache", d, DEFAULT_TTL_SECONDS, dfltFrom, dfltBy);
        cacheHeldTheOldAddress("ttl " + SHORT_TTL_SECONDS + " s", t, SHORT_TTL_SECONDS, ttlFrom, ttlBy);

        // networkaddress.cache.ttl = 3 s: back within B, nothing failed after it, nothing left on A.
        assertEquals(0, count(t, "failedAfterB"), "ttl: writes started after B that failed: " + t);
        assertEquals(0, leftOnOld.get("dns-ttl-liveness"), "ttl: sessions on the old primary at B");
        assertTrue(count(t, "wrongRole") >= DnsFailoverClient.POOL - DnsFailoverClient.THREADS,
                "ttl: evicted for the wrong role: " + t);

        // Plain HikariCP keeps its connections to A whatever the name says: a name moves new connections only.
        assertEquals(DnsFailoverClient.POOL, leftOnOld.get("dns-ttl-plain"), "plain HikariCP on the old primary");
        assertTrue(count(p, "failedAfterB") > 0, "plain HikariCP failed writes after B: " + p);
        assertEquals(0, count(p, "onNew"), "plain HikariCP wrote nothing to the new primary: " + p);
    }

    /**
     * The cached answer, got between {@code from} and {@code by} seconds before the move, expired {@code ttl} seconds
     * after it: that is when the first connection to the new primary opened and writes were normal again, and until
     * then borrowers waited, and the churn opened connections to the old primary.
     */
    private static void cacheHeldTheOldAddress(String what, Map<String, String> r, int ttl, double from, double by) {
        double expiresFrom = ttl - from;
        double expiresBy = ttl - by;
        double firstToNew = seconds(r, "firstOpenToNew");
        assertTrue(firstToNew >= expiresFrom - 0.05 && firstToNew <= expiresBy + 1.0, what + ": the first "
                + "connection to the new primary when the cached answer expired, " + range(expiresFrom, expiresBy)
                + " s after the move: " + r);
        assertTrue(seconds(r, "back") >= expiresFrom - 0.5 && seconds(r, "back") <= expiresBy + 1.5,
                what + ": writes normal again when the cached answer expired: " + r);
        assertTrue(seconds(r, "longestWrite") >= expiresFrom - 1.0, what + ": borrowers waited: " + r);
        assertTrue(count(r, "opensToOld") > 0 && seconds(r, "lastOpenToOld") <= firstToNew,
                what + ": the churn on the old primary ended when the name resolved anew: " + r);
    }

    private static String describe(Map<String, String> r, Map<String, Integer> leftOnOld) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s writes ok (%s on the new primary), %s "
                + "failed, %s of them started after B; %s, the longest took %s s; sessions on the old primary at B: %d",
                r.get("ok"), r.get("onNew"), r.get("failed"), r.get("failedAfterB"),
                count(r, "onNew") == 0 ? "no write reached the new primary"
                        : "writes normal again " + r.get("back") + " s after the move",
                r.get("longestWrite"), leftOnOld.get(r.get("pool"))));
        if (r.containsKey("opensToOld")) {
            s.append(String.format(Locale.ROOT, "; after the move %s connections opened to the old primary (the last "
                    + "%s s after it) and %s to the new (the first %s s after it), %s evicted WRONG_ROLE, %s at a "
                    + "borrow", r.get("opensToOld"), r.get("lastOpenToOld"), r.get("opensToNew"),
                    r.get("firstOpenToNew"), r.get("wrongRole"), r.get("skippedAtBorrow")));
        }
        return s.toString();
    }

    private static String range(double from, double to) {
        return String.format(Locale.ROOT, "%.2f-%.2f", from, to);
    }

    private static void prepare(String address, int port) {
        try {
            admin(address, port, "CREATE TABLE IF NOT EXISTS dns_writes (id bigserial, pool text)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Seconds after the move; "none" (nothing happened) as infinitely late. */
    private static double seconds(Map<String, String> r, String key) {
        String v = r.get(key);
        return "none".equals(v) ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
    }

    private static long count(Map<String, String> r, String key) {
        return Long.parseLong(r.get(key));
    }

    /**
     * Points {@link #NAME} at {@code address} in the hosts file, replacing the file in one rename so that a lookup
     * reads the old file or the new one, never half of one.
     */
    private static void pointName(Path hosts, String address) throws IOException {
        Path next = hosts.resolveSibling("hosts.next");
        Files.writeString(next, "127.0.0.1 localhost\n" + address + " " + NAME + "\n");
        Files.move(next, hosts, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static EmbeddedPostgres server(String listen, int port) {
        File log = ServerLogs.file("postgresql");
        try {
            return EmbeddedPostgres.builder().setPort(port)
                    .setServerConfig("listen_addresses", listen)
                    // Two servers on one port would share one Unix socket path: TCP only.
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("max_connections", "400")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("embedded PostgreSQL on " + listen + ":" + port + " did not start; its "
                    + "log: " + log, e);
        }
    }

    /** A port free on loopback now (the servers bind it a moment later). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** One statement on the server at {@code address}; the first column of its first row, if any. */
    private static String admin(String address, int port, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + address + ":" + port + "/postgres",
                "postgres", null); Statement s = c.createStatement()) {
            if (!s.execute(sql)) {
                return null;
            }
            try (ResultSet rs = s.getResultSet()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static boolean accepts(String address, int port) {
        try {
            admin(address, port, "SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void setReadOnly(String address, int port, boolean on) throws SQLException {
        admin(address, port, "ALTER SYSTEM SET default_transaction_read_only = " + (on ? "on" : "off"));
        admin(address, port, "SELECT pg_reload_conf()");
    }

    /** The pool's sessions on the server at {@code address}, from the server's own view. */
    private static int sessions(String address, int port, String pool) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + address + ":" + port + "/postgres",
                "postgres", null);
                PreparedStatement s = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, pool);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** One application JVM ({@link DnsFailoverClient}), our own child, ended by its handle. */
    private static final class Client implements AutoCloseable {
        private static final long READY_WITHIN = TimeUnit.SECONDS.toNanos(30);

        private final String label;
        private final File log;
        private final Process process;
        private final Writer stdin;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Map<String, Map<String, String>> results = new HashMap<>();

        private Client(String label, File log, Process process) {
            this.label = label;
            this.log = log;
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, label + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        /** {@code java [-Djava.security.properties=FILE] DnsFailoverClient ...}, names from {@code hosts}. */
        static Client launch(String label, Path hosts, Path securityProperties, boolean withPlain, int port)
                throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Djdk.net.hosts.file=" + hosts);
            if (securityProperties != null) {
                command.add("-Djava.security.properties=" + securityProperties);
            }
            command.add("-Xmx256m");
            command.add("-cp");
            // Failsafe sets java.class.path in its fork to the test class path, even when it boots from a jar.
            command.add(System.getProperty("java.class.path"));
            command.add(DnsFailoverClient.class.getName());
            command.addAll(List.of(NAME, String.valueOf(port), String.valueOf(NEW_SERVER), label,
                    String.valueOf(withPlain)));
            File log = ServerLogs.file(label + "-client");
            return new Client(label, log,
                    new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log)).start());
        }

        /** The fields of its next line that starts with {@code prefix}. */
        Map<String, String> await(String prefix) throws InterruptedException {
            return fields(await(prefix, READY_WITHIN));
        }

        void send(String command) throws IOException {
            stdin.write(command + "\n");
            stdin.flush();
        }

        /** The result line of {@code pool}, waiting for the client to finish its watch. */
        Map<String, String> result(String pool) throws InterruptedException {
            long within = DnsFailoverClient.WATCH_MAX.plusSeconds(15).toNanos();
            while (!results.containsKey(pool)) {
                Map<String, String> r = fields(await("result ", within));
                results.put(r.get("pool"), r);
            }
            return results.get(pool);
        }

        private String await(String prefix, long withinNanos) throws InterruptedException {
            long deadline = System.nanoTime() + withinNanos;
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError(label + ": no '" + prefix.trim() + "' line within "
                            + TimeUnit.NANOSECONDS.toSeconds(withinNanos) + " s (alive: " + process.isAlive()
                            + "); its log: " + log);
                }
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
            }
        }

        private static Map<String, String> fields(String line) {
            Map<String, String> m = new HashMap<>();
            for (String kv : line.trim().split(" ")) {
                int eq = kv.indexOf('=');
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return m;
        }

        @Override
        public void close() {
            try {
                stdin.close();
            } catch (IOException e) {
                // the process is gone
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}

package io.github.jdbcliveness.drill;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessListener;
import io.github.jdbcliveness.ServerRole;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.Security;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The application side of {@link DnsFailoverIT}, in a JVM of its own: the name cache ({@code InetAddress}'s) is one per
 * JVM, and its TTL is read once, so each cache setting needs a JVM. It resolves names through the hosts file the drill
 * writes ({@code -Djdk.net.hosts.file}), which the JDK reads again on every lookup that misses its cache.
 *
 * <p>{@code java -Djdk.net.hosts.file=FILE [-Djava.security.properties=FILE] DnsFailoverClient NAME PORT NEW_SERVER
 * LABEL PLAIN}, then commands on its standard input. {@code resolve}: look NAME up once every answer cached so far
 * has expired, and print {@code resolved from=NANOS by=NANOS}. {@code start}: open a jdbc-liveness pool
 * ({@code requiredRole} primary, B = 6 s, nothing else set) and, when PLAIN is true, a plain HikariCP pool beside it,
 * on {@code jdbc:postgresql://NAME:PORT/postgres}, each with writers; print {@code ready ...} once they write.
 * {@code moved NANOS}: the failover, on the monotonic clock that {@code System.nanoTime()} reads in every JVM of this
 * machine; watch until the writes have been normal again on NEW_SERVER (the last byte of its address) for a while,
 * and print one {@code result ...} line of {@code key=value} per pool.
 */
public final class DnsFailoverClient {

    static final Duration B = Duration.ofSeconds(6);
    static final int POOL = 10;
    static final int THREADS = 4;
    private static final Duration PACE = Duration.ofMillis(10);
    /** Watched at least this long after the failover (past B, to count what failed after it)... */
    static final Duration WATCH_MIN = B.multipliedBy(2);
    /** ...then until writes have been normal (on the new primary, none held up) for this long... */
    private static final Duration SETTLED_FOR = Duration.ofSeconds(1);
    /** ...but never longer than this: the JVM's default cache holds a name for 30 s. */
    static final Duration WATCH_MAX = Duration.ofSeconds(36);

    private DnsFailoverClient() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        int port = Integer.parseInt(args[1]);
        int newServer = Integer.parseInt(args[2]);
        String label = args[3];
        boolean withPlain = Boolean.parseBoolean(args[4]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String url = "jdbc:postgresql://" + name + ":" + port + "/postgres";
        long ttl = TimeUnit.SECONDS.toNanos(cacheTtlSeconds());

        // The cache keeps an answer for its TTL from the lookup that got it, however often it is asked meanwhile, and
        // the drill wants that lookup at an instant it knows: "resolve" first waits until every answer this JVM got
        // so far has expired (nothing cached yet; or the pools' own lookups, all made before "ready"), then looks up.
        long allExpiredBy = System.nanoTime();
        LivenessDataSource ours = null;
        HikariDataSource plain = null;
        try {
            String command;
            while (!(command = next(in)).equals("start")) {
                resolve(command, name, allExpiredBy, out);
                allExpiredBy = System.nanoTime() + ttl;
            }
            ours = LivenessDataSource.create(Pools.namedPostgresPool(url, label + "-liveness", POOL),
                    LivenessConfig.builder().detectionBudget(B).requiredRole(ServerRole.PRIMARY).build());
            Opens opens = new Opens();
            ours.addListener(opens);
            plain = withPlain ? new HikariDataSource(Pools.namedPostgresPool(url, label + "-plain", POOL)) : null;
            Waits.awaitFull(ours.unwrap(HikariDataSource.class), POOL);
            if (plain != null) {
                Waits.awaitFull(plain, POOL);
            }
            allExpiredBy = Math.max(allExpiredBy, System.nanoTime() + ttl);
            WriteTraffic ourWrites = WriteTraffic.start(ours, label + "-liveness", THREADS, PACE,
                    DnsFailoverClient::write);
            WriteTraffic plainWrites = plain == null ? null
                    : WriteTraffic.start(plain, label + "-plain", THREADS, PACE, DnsFailoverClient::write);
            out.println("ready ttl=" + TimeUnit.NANOSECONDS.toSeconds(ttl) + " networkaddress.cache.ttl="
                    + Security.getProperty("networkaddress.cache.ttl"));

            while (!(command = next(in)).startsWith("moved ")) {
                resolve(command, name, allExpiredBy, out);
                allExpiredBy = System.nanoTime() + ttl;
            }
            long failover = Long.parseLong(command.substring("moved ".length()));
            watch(ourWrites, failover, newServer);
            ourWrites.stop();
            if (plainWrites != null) {
                plainWrites.stop();
            }

            Map<String, Object> r = result(label + "-liveness", ourWrites, failover, newServer);
            r.put("wrongRole", ours.stats().evictions().get(EvictionReason.WRONG_ROLE));
            r.put("skippedAtBorrow", ours.stats().borrowsSkippedDead());
            opens.into(r, failover, newServer);
            out.println(line(r));
            if (plainWrites != null) {
                out.println(line(result(label + "-plain", plainWrites, failover, newServer)));
            }
        } finally {
            if (ours != null) {
                ours.close();
            }
            if (plain != null) {
                plain.close();
            }
        }
    }

    /** Looks the name up once every earlier answer has expired: the cache then holds this answer for one TTL. */
    private static void resolve(String command, String name, long allExpiredBy, PrintStream out)
            throws IOException {
        if (!command.equals("resolve")) {
            throw new IllegalStateException("unknown command: " + command);
        }
        Waits.parkUntil(allExpiredBy + TimeUnit.MILLISECONDS.toNanos(50));
        long from = System.nanoTime();
        String address = InetAddress.getByName(name).getHostAddress();
        out.println("resolved from=" + from + " by=" + System.nanoTime() + " address=" + address);
    }

    /**
     * The TTL of this JVM's name cache, by the JDK's own rule ({@code sun.net.InetAddressCachePolicy}): the security
     * property {@code networkaddress.cache.ttl}, else the system property {@code sun.net.inetaddr.ttl}, else 30 s
     * (no security manager here).
     */
    private static int cacheTtlSeconds() {
        String ttl = Security.getProperty("networkaddress.cache.ttl");
        if (ttl == null) {
            ttl = System.getProperty("sun.net.inetaddr.ttl");
        }
        return ttl == null ? 30 : Integer.parseInt(ttl.trim());
    }

    private static String next(BufferedReader in) throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IllegalStateException("the drill closed its end before the failover");
        }
        return line.trim();
    }

    /**
     * Until WATCH_MIN has passed and writes have been normal for SETTLED_FOR (none under way for longer than
     * {@link WriteTraffic#SLOW} either: a borrow that waits has no result yet), or WATCH_MAX.
     */
    private static void watch(WriteTraffic writes, long failover, int newServer) {
        long min = failover + WATCH_MIN.toNanos();
        long max = failover + WATCH_MAX.toNanos();
        Waits.parkUntil(min);
        while (System.nanoTime() - max < 0) {
            long now = System.nanoTime();
            long backAt = failover + (long) (writes.settling(failover, newServer).backSeconds() * 1e9);
            if (now - backAt - SETTLED_FOR.toNanos() >= 0
                    && writes.longestUnderWayNanos(now) <= WriteTraffic.SLOW.toNanos()) {
                return;
            }
            Waits.parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private static Map<String, Object> result(String pool, WriteTraffic writes, long failover, int newServer) {
        WriteTraffic.Result w = writes.result(failover, B, newServer);
        WriteTraffic.Settling s = writes.settling(failover, newServer);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("pool", pool);
        r.put("ok", w.ok());
        r.put("onNew", w.onNewPrimary());
        r.put("failed", w.failed());
        r.put("failedAfterB", w.failedAfterB());
        r.put("lastFailure", seconds(w.lastFailureSeconds()));
        r.put("back", seconds(s.backSeconds()));
        r.put("longestWrite", seconds(s.longestSeconds()));
        return r;
    }

    private static String line(Map<String, Object> r) {
        return "result " + r.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }

    /** One row, and the last byte of the address the server took the connection on: which server it was. */
    private static int write(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO dns_writes (pool) VALUES ('w') "
                + "RETURNING split_part(host(inet_server_addr()), '.', 4)::int");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The physical connections the pool opened, and where the name led each. */
    private static final class Opens implements LivenessListener {
        private record Open(long nanos, int server) {
        }

        private final ConcurrentLinkedQueue<Open> opens = new ConcurrentLinkedQueue<>();

        @Override
        public void onConnectionOpened(ConnectionRef connection, AppliedKeepalive keepalive) {
            byte[] address = connection.remote().getAddress().getAddress();
            opens.add(new Open(System.nanoTime(), address[address.length - 1] & 0xff));
        }

        /** Counted from the failover: opened to the old server and to the new, the first to the new, the last to the old. */
        void into(Map<String, Object> r, long failover, int newServer) {
            long toOld = 0;
            long toNew = 0;
            long firstNew = Long.MAX_VALUE;
            long lastOld = failover;
            for (Open o : opens) {
                if (o.nanos - failover < 0) {
                    continue;
                }
                if (o.server == newServer) {
                    toNew++;
                    firstNew = Math.min(firstNew, o.nanos - failover);
                } else {
                    toOld++;
                    lastOld = Math.max(lastOld, o.nanos);
                }
            }
            r.put("opensToOld", toOld);
            r.put("opensToNew", toNew);
            r.put("firstOpenToNew", firstNew == Long.MAX_VALUE ? "none" : seconds(firstNew / 1e9));
            r.put("lastOpenToOld", seconds((lastOld - failover) / 1e9));
        }
    }
}

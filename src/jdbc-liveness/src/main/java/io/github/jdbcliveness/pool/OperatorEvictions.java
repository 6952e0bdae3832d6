package io.github.jdbcliveness.pool;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's lever, for when a human knows before any probe does (a failover by DNS or a virtual IP, a server
 * about to be drained): evicts a pool's connections, or those to one server, gently. Idle ones close now; a leased
 * one stays with its borrower and closes when it is returned, so no running work is cut. HikariCP then refills the
 * pool from wherever its URL leads now. These are not deaths: they count in no {@code EvictionReason}.
 */
public final class OperatorEvictions {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorEvictions.class);

    private final PoolBinding binding;
    private final HikariDataSource hikari;

    public OperatorEvictions(PoolBinding binding, HikariDataSource hikari) {
        this.binding = binding;
        this.hikari = hikari;
    }

    /** Every connection of the pool, through HikariCP's own soft eviction. Returns how many were open. */
    public int evictAll() {
        HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
        if (pool == null || hikari.isClosed()) {
            return 0; // not started, or closed: nothing is open
        }
        int open = countOpen();
        pool.softEvictConnections();
        LOG.info("{} - evictAll(): {} connections evicted gently (idle ones now, leased ones when returned)",
                binding.poolName(), open);
        return open;
    }

    /**
     * The connections to one database server, {@code server}: a host name, an IP address, either with {@code :port}, or a bracketed IPv6
     * address with a port. A name is resolved once, now, and matches every address it resolves to. Only connections
     * whose socket jdbc-liveness sees (pgjdbc, MySQL Connector/J, MariaDB Connector/J) have a server address to match.
     *
     * @return how many connections were evicted
     * @throws IllegalArgumentException naming {@code server} when it is blank, its port is not a number, or its name
     *                                  does not resolve
     */
    public int evictHost(String server) {
        Set<String> addresses = addresses(server);
        int port = port(server);
        int n = 0;
        for (TrackedConnection t : binding.live()) {
            if (open(t) && matches(t.hostKey(), addresses, port)) {
                binding.evictor().evict(t);
                n++;
            }
        }
        LOG.info("{} - evictHost({}): {} connections evicted gently (idle ones now, leased ones when returned)",
                binding.poolName(), server, n);
        return n;
    }

    private int countOpen() {
        int n = 0;
        for (TrackedConnection t : binding.live()) {
            n += open(t) ? 1 : 0;
        }
        return n;
    }

    /** Not closed, and not found dead already (the engine's own eviction takes those). */
    private static boolean open(TrackedConnection t) {
        LeaseState.State s = t.state.state();
        return s != LeaseState.State.CLOSED && s != LeaseState.State.DEAD;
    }

    /** Whether a connection's key ({@code ip:port}, as ConnectionFactory makes it) is one of {@code addresses}. */
    static boolean matches(String hostKey, Set<String> addresses, int port) {
        int colon = hostKey.lastIndexOf(':');
        if (colon < 0) {
            return false; // a driver whose socket we do not see: its key is the URL
        }
        String ip = hostKey.substring(0, colon);
        String p = hostKey.substring(colon + 1);
        return addresses.contains(ip) && (port < 0 || p.equals(Integer.toString(port)));
    }

    /** The port after the host, or -1 when there is none. */
    static int port(String server) {
        String s = checked(server);
        String tail;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            tail = close >= 0 && close + 1 < s.length() && s.charAt(close + 1) == ':' ? s.substring(close + 2) : null;
        } else {
            int colon = s.indexOf(':');
            tail = colon >= 0 && colon == s.lastIndexOf(':') ? s.substring(colon + 1) : null;
        }
        if (tail == null) {
            return -1;
        }
        try {
            int port = Integer.parseInt(tail);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("server (" + server + ") has a port that is not 1..65535");
    }

    /** The addresses {@code server}'s host part stands for, as {@link InetAddress#getHostAddress()} writes them. */
    static Set<String> addresses(String server) {
        String s = checked(server);
        String host;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            host = close > 0 ? s.substring(1, close) : s;
        } else {
            int colon = s.indexOf(':');
            host = colon >= 0 && colon == s.lastIndexOf(':') ? s.substring(0, colon) : s;
        }
        Set<String> out = new HashSet<>();
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                out.add(a.getHostAddress().toLowerCase(Locale.ROOT));
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("server (" + server + ") does not resolve: " + e.getMessage(), e);
        }
        return out;
    }

    private static String checked(String server) {
        if (server == null || server.isBlank()) {
            throw new IllegalArgumentException("server (" + server + ") must name a host, an address or host:port");
        }
        return server.strip();
    }
}

package io.github.jdbcliveness.drill;

import io.github.jdbcliveness.keepalive.JdbcUrls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP relay in this JVM that a drill puts between a JDBC driver and its database to inject faults without root
 * or Docker: it listens on 127.0.0.1 (an ephemeral port), opens one upstream connection per accepted one, and moves
 * bytes both ways until told to {@linkplain #freeze() freeze}, {@linkplain #blackhole() blackhole},
 * {@linkplain #reset() reset}, add {@linkplain #latency(Duration) latency} or limit
 * {@linkplain #bandwidth(long) bandwidth}; {@link #heal()} makes it pass again.
 *
 * <p>It models a hung peer or a TCP-terminating proxy (PgBouncer, HAProxy in TCP mode, RDS Proxy), not a dead
 * network path. <strong>Kernel keepalive and jdbc-liveness's {@code /proc} in-flight watchdog cannot see a fault
 * through this relay</strong>: the relay's own kernel ACKs every byte the driver sends and answers keepalive probes,
 * whatever the relay does with them. Only the heartbeat probes, the probe timeouts and the host verdict see it. For a
 * dead path the kernel can see, use {@link NftFaults}.
 *
 * <p>Threads are platform daemon threads named {@code jdbc-liveness-relay-<port>-...}: one accepts, and each relayed
 * connection has two pumps (client to upstream, upstream to client) of two threads each, a reader that takes chunks
 * off the socket as they arrive and a writer that delivers them when the fault mode lets it. The reader keeps reading
 * while a chunk waits, so latency is added once per chunk, not compounded; held bytes per pump are bounded, beyond that
 * the reader stops reading and TCP flow control takes over. Every wait inside has a deadline and is woken at once by a
 * mode change or {@link #close()}. A chunk a writer has already started to deliver when the mode changes is still
 * delivered.
 */
public final class TcpRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpRelay.class);
    private static final Duration JOIN_DEADLINE = Duration.ofSeconds(5);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final Pattern URL = Pattern.compile("^(jdbc:(postgresql|mysql|mariadb)://)([^/?#]*)(.*)$",
            Pattern.DOTALL);

    /** The fault in force; latency and bandwidth are shaping on top of it. */
    enum Fault {
        PASSING, FROZEN, BLACKHOLE, RESET
    }

    final ReentrantLock lock = new ReentrantLock();
    final AtomicLong forwarded = new AtomicLong();
    // guarded by lock
    Fault fault = Fault.PASSING;
    long latencyNanos;
    long bytesPerSecond;
    private boolean closed;
    private final Set<RelayPair> pairs = new LinkedHashSet<>();
    private int nextId;

    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    /** Where new connections go: the target, until {@link #retarget} moves it (a virtual IP after a failover). */
    private volatile InetSocketAddress upstreamAddress;
    private final String name;
    private final Thread acceptor;

    private TcpRelay(ServerSocket listener, String targetHost, int targetPort) {
        this.listener = listener;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.upstreamAddress = new InetSocketAddress(targetHost, targetPort);
        this.name = "relay 127.0.0.1:" + listener.getLocalPort() + " -> " + targetHost + ":" + targetPort;
        this.acceptor = newThread("accept", this::acceptLoop);
    }

    /** Listens on 127.0.0.1 at an ephemeral port and relays every connection to {@code targetHost:targetPort}. */
    public static TcpRelay start(String targetHost, int targetPort) throws IOException {
        if (targetPort < 1 || targetPort > 65535) {
            throw new IllegalArgumentException("targetPort (" + targetPort + ") must be 1..65535");
        }
        ServerSocket listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        TcpRelay relay = new TcpRelay(listener, targetHost, targetPort);
        relay.acceptor.start();
        return relay;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return listener.getLocalPort();
    }

    /**
     * The same JDBC URL ({@code jdbc:postgresql://}, {@code jdbc:mysql://}, {@code jdbc:mariadb://}) pointed at this
     * relay. The URL must name one host, the target (loopback names count as one), and the target's port (or none,
     * when the target listens on the driver's default port).
     *
     * @throws IllegalArgumentException naming the URL's host and port when they are not the relay's target
     */
    public String rewrite(String jdbcUrl) {
        Matcher m = URL.matcher(jdbcUrl == null ? "" : jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + ": cannot rewrite " + JdbcUrls.redact(jdbcUrl)
                    + ", only jdbc:postgresql://, jdbc:mysql:// and jdbc:mariadb:// URLs");
        }
        String authority = m.group(3);
        int at = authority.lastIndexOf('@');
        String userInfo = authority.substring(0, at + 1);
        String hostPort = authority.substring(at + 1);
        if (hostPort.contains(",") || hostPort.contains("(")) {
            throw new IllegalArgumentException(name + ": " + JdbcUrls.redact(jdbcUrl)
                    + " names several hosts or a form this relay does not read; give it the one target");
        }
        int defaultPort = m.group(2).equals("postgresql") ? 5432 : 3306;
        int colon = hostPort.startsWith("[") ? hostPort.indexOf(':', hostPort.indexOf(']')) : hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        int port;
        try {
            port = colon < 0 ? defaultPort : Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + JdbcUrls.redact(jdbcUrl) + " has no readable port", e);
        }
        if (port != targetPort || !sameHost(host, targetHost)) {
            throw new IllegalArgumentException(name + ": " + JdbcUrls.redact(jdbcUrl) + " points at " + host + ":"
                    + port + ", not at this relay's target " + targetHost + ":" + targetPort);
        }
        return m.group(1) + userInfo + host() + ":" + port() + m.group(4);
    }

    private static boolean sameHost(String a, String b) {
        return a.equalsIgnoreCase(b) || (ServerProcesses.isLoopback(a) && ServerProcesses.isLoopback(b));
    }

    /**
     * Stops moving bytes in both directions: a hung server or a hung proxy. Connections stay open and the relay's
     * kernel keeps ACKing; new connections are accepted but nothing answers. {@link #heal()} delivers what was held,
     * in order.
     */
    public void freeze() {
        setFault(Fault.FROZEN);
    }

    /**
     * Discards every byte in both directions, held ones included: the path is dead, and new connections get nothing.
     * On {@link #heal()}, connections that lost bytes are ended with a TCP reset (their streams cannot resume, as after
     * a NAT eviction); untouched ones go on.
     */
    public void blackhole() {
        setFault(Fault.BLACKHOLE);
    }

    /**
     * Ends every relayed connection now with a TCP reset (SO_LINGER 0) on both sides, and returns once the resets are
     * sent; new connections are reset at once until {@link #heal()}.
     */
    public void reset() {
        resetAll(setFault(Fault.RESET));
    }

    /** Resets {@code doomed} and returns once the resets are sent, so a drill's next step sees them. */
    private void resetAll(List<RelayPair> doomed) {
        doomed.forEach(p -> p.close(true));
        long end = System.nanoTime() + JOIN_DEADLINE.toNanos();
        doomed.forEach(p -> p.awaitEnded(end));
    }

    /**
     * Sends new connections to {@code host:port} from now on, as a virtual IP or a proxy does after a failover; the
     * connections relayed so far stay on the server they reached. {@link #rewrite} still takes URLs of the first
     * target.
     */
    public void retarget(String host, int port) {
        upstreamAddress = new InetSocketAddress(host, port);
        LOG.info("{}: new connections go to {}:{} from now on", name, host, port);
    }

    /** Delivers each chunk {@code oneWay} after it arrived (per chunk, not compounded); zero for none. */
    public void latency(Duration oneWay) {
        if (oneWay.isNegative()) {
            throw new IllegalArgumentException("latency (" + oneWay + ") must not be negative");
        }
        lock.lock();
        try {
            latencyNanos = oneWay.toNanos();
            wakeAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Limits each connection, in each direction, to {@code bytesPerSecond} (a token bucket holding at most 50 ms of
     * bytes), as toxiproxy's bandwidth toxic does; not one budget shared by all connections.
     */
    public void bandwidth(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bandwidth (" + bytesPerSecond + " B/s) must be positive; heal() lifts it");
        }
        lock.lock();
        try {
            this.bytesPerSecond = bytesPerSecond;
            wakeAll();
        } finally {
            lock.unlock();
        }
    }

    /** Back to passing: held bytes are delivered, latency and bandwidth are lifted, blackholed connections reset. */
    public void heal() {
        List<RelayPair> lost = new ArrayList<>();
        lock.lock();
        try {
            Fault was = fault;
            fault = Fault.PASSING;
            latencyNanos = 0;
            bytesPerSecond = 0;
            for (RelayPair p : pairs) {
                if (p.lostBytes) {
                    lost.add(p);
                }
            }
            wakeAll();
            LOG.info("{}: healed from {} ({} connections that lost bytes are reset)", name, was, lost.size());
        } finally {
            lock.unlock();
        }
        resetAll(lost);
    }

    /** What the relay does now, for reports: {@code passing}, {@code frozen}, ... with latency and bandwidth. */
    public String mode() {
        lock.lock();
        try {
            if (closed) {
                return "closed";
            }
            StringBuilder s = new StringBuilder(fault.name().toLowerCase(Locale.ROOT));
            if (latencyNanos > 0) {
                s.append(", latency ").append(TimeUnit.NANOSECONDS.toMillis(latencyNanos)).append(" ms one way");
            }
            if (bytesPerSecond > 0) {
                s.append(", bandwidth ").append(bytesPerSecond).append(" B/s");
            }
            return s.toString();
        } finally {
            lock.unlock();
        }
    }

    /** Relayed connections open now. */
    public int connections() {
        lock.lock();
        try {
            return pairs.size();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes delivered so far, both directions together. */
    public long bytesForwarded() {
        return forwarded.get();
    }

    /**
     * Closes the listener and every connection, and waits up to 5 s for every thread the relay started to end.
     * Idempotent.
     *
     * @throws IllegalStateException naming the threads still alive after the deadline
     */
    @Override
    public void close() {
        List<RelayPair> open;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(pairs);
            wakeAll();
        } finally {
            lock.unlock();
        }
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("{}: closing the listener", name, e);
        }
        open.forEach(p -> p.close(false));
        long end = System.nanoTime() + JOIN_DEADLINE.toNanos();
        List<String> alive = new ArrayList<>();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                alive.add(t.getName());
            }
        }
        if (!alive.isEmpty()) {
            throw new IllegalStateException(name + ": threads still alive " + JOIN_DEADLINE + " after close: " + alive);
        }
    }

    @Override
    public String toString() {
        return name + " (" + mode() + ", " + connections() + " connections, " + bytesForwarded() + " bytes)";
    }

    String name() {
        return name;
    }

    private List<RelayPair> setFault(Fault f) {
        lock.lock();
        try {
            fault = f;
            wakeAll();
            LOG.info("{}: {}", name, f);
            return new ArrayList<>(pairs);
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock. */
    private void wakeAll() {
        pairs.forEach(RelayPair::wake);
    }

    void removed(RelayPair pair) {
        lock.lock();
        try {
            pairs.remove(pair);
        } finally {
            lock.unlock();
        }
    }

    Thread newThread(String suffix, Runnable body) {
        Thread[] self = new Thread[1];
        Thread t = new Thread(() -> {
            try {
                body.run();
            } finally {
                threads.remove(self[0]);
            }
        }, "jdbc-liveness-relay-" + listener.getLocalPort() + "-" + suffix);
        self[0] = t;
        t.setDaemon(true);
        threads.add(t);
        return t;
    }

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    LOG.warn("{}: accept failed, the relay takes no more connections", name, e);
                }
                return;
            }
            lock.lock();
            boolean resetNow;
            try {
                resetNow = fault == Fault.RESET;
            } finally {
                lock.unlock();
            }
            if (resetNow) {
                RelayPair.abort(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(upstreamAddress, CONNECT_TIMEOUT_MILLIS);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                LOG.warn("{}: cannot reach the upstream {}, closing {}", name, upstreamAddress,
                        client.getRemoteSocketAddress(), e);
                RelayPair.abort(upstream);
                RelayPair.abort(client);
                continue;
            }
            register(client, upstream);
        }
    }

    private void register(Socket client, Socket upstream) {
        lock.lock();
        try {
            if (closed || fault == Fault.RESET) { // RESET: reset() came while this one was being connected
                RelayPair.abort(client);
                RelayPair.abort(upstream);
                return;
            }
            RelayPair pair = new RelayPair(this, ++nextId, client, upstream);
            pairs.add(pair);
            pair.start(); // under the lock, so that close() sees every thread started
        } finally {
            lock.unlock();
        }
    }
}

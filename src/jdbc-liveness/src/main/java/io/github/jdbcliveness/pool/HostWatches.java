package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.HostDownException;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessStats;
import io.github.jdbcliveness.heartbeat.HeartbeatCore;
import io.github.jdbcliveness.heartbeat.HeartbeatScheduler;
import io.github.jdbcliveness.keepalive.JdbcUrl;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's verdicts, one {@link HostWatch} per host its URL names. A URL that names one host (or a driver whose
 * sockets we do not see) has one watch, and everything goes to it. A multi-host URL (pgjdbc's
 * {@code host1,host2}, the MySQL drivers' failover lists) is judged host by host: each connection's evidence goes to
 * the watch of the host it reached, each watch checks its host alone (a connection to that host only), and a verdict
 * aborts the requests waiting on that host alone. Borrowers fail fast only when every host is down, since any other
 * could serve the next connection.
 */
final class HostWatches implements HostWatch.Pool, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostWatches.class);

    private final PoolBinding binding;
    private final ConnectionFactory factory;
    private final HeartbeatScheduler scheduler;
    /** How long a server may say nothing before a failed connect and still have answered ({@link ConnectOutcome}). */
    private final long probeTimeoutNanos;
    private final List<HostWatch> watches;
    /** The URL's hosts, in the watches' order; empty with one watch. */
    private final List<JdbcUrl.HostPort> urlHosts;
    /** The one watch, or null when there are several: the borrow path's shortcut. */
    private final HostWatch only;
    /** Which watch a connection's far end ({@code address:port}) belongs to, found once per address. */
    private final Map<String, HostWatch> byHostKey = new ConcurrentHashMap<>();

    HostWatches(PoolBinding binding, ConnectionFactory factory, KeepaliveConnector connector, LivenessConfig config,
            HeartbeatScheduler scheduler) {
        this.binding = binding;
        this.factory = factory;
        this.scheduler = scheduler;
        long deadline = config.connectTimeout().toNanos();
        this.probeTimeoutNanos = config.probeTimeout().toNanos();
        long quiet = probeTimeoutNanos;
        List<JdbcUrl.HostPort> hosts = connector.driverKind() == null ? List.of() : connector.hosts();
        if (hosts.size() < 2) {
            this.urlHosts = List.of();
            this.only = new HostWatch(this, factory.target(),
                    w -> new HostCheckThread(binding.poolName(), w::name, factory::openUnpooled, deadline, quiet),
                    config);
            this.watches = List.of(only);
        } else {
            this.urlHosts = hosts;
            this.only = null;
            List<HostWatch> each = new ArrayList<>();
            for (JdbcUrl.HostPort h : hosts) {
                KeepaliveConnector one = connector.onlyHost(h);
                each.add(new HostWatch(this, h.toString(), w -> new HostCheckThread(binding.poolName(), w::name,
                        a -> factory.openUnpooled(one, a), deadline, quiet), config));
            }
            this.watches = List.copyOf(each);
        }
    }

    /**
     * Whether the URL names one host: its watch takes the address of its connections as its name. Each watch of a
     * multi-host URL keeps the name the URL gives it, which tells the hosts apart where addresses may move.
     */
    boolean single() {
        return only != null;
    }

    /** The watch of the host a connection reached, {@code hostKey} being its far end. */
    HostWatch of(String hostKey) {
        HostWatch one = only;
        if (one != null) {
            return one;
        }
        HostWatch w = byHostKey.get(hostKey);
        return w != null ? w : watches.get(0); // a connection is always opened() first; never reached in practice
    }

    /**
     * A connection opened to {@code remote} (null when no socket of ours saw it): its host's watch, from now on. Where
     * several of the URL's hosts share the port, the address is matched again at every connect, since names may have
     * moved (a {@code writer} and a {@code reader} name that swap addresses at a failover); the address's connections
     * opened earlier follow it to that host.
     */
    HostWatch opened(String hostKey, InetSocketAddress remote) {
        HostWatch one = only;
        if (one != null) {
            return one;
        }
        if (remote != null && sharedPort(remote.getPort())) {
            HostWatch w = match(remote); // outside the map: it may look names up
            byHostKey.put(hostKey, w);
            return w;
        }
        HostWatch known = byHostKey.get(hostKey);
        return known != null ? known : byHostKey.computeIfAbsent(hostKey, k -> match(remote));
    }

    private boolean sharedPort(int port) {
        return urlHosts.stream().filter(h -> h.port() == port).count() > 1;
    }

    /**
     * The URL host a connection's far end is: the one on its port, or among several on that port, the one whose name
     * resolves to its address (the JVM's cache holds what the driver resolved a moment ago). A far end that matches
     * none (a name that moved since) goes to the first host on its port, else the URL's first.
     */
    private HostWatch match(InetSocketAddress remote) {
        if (remote == null) {
            return watches.get(0);
        }
        List<Integer> onPort = new ArrayList<>();
        for (int i = 0; i < urlHosts.size(); i++) {
            if (urlHosts.get(i).port() == remote.getPort()) {
                onPort.add(i);
            }
        }
        if (onPort.size() == 1) {
            return watches.get(onPort.get(0));
        }
        for (int i : onPort) {
            try {
                if (Arrays.asList(InetAddress.getAllByName(urlHosts.get(i).host())).contains(remote.getAddress())) {
                    return watches.get(i);
                }
            } catch (UnknownHostException e) {
                // not this one
            }
        }
        LOG.warn("{} - a connection reached {}, which is none of the URL's hosts {} by address: its evidence goes "
                + "to {}", binding.poolName(), remote, urlHosts, onPort.isEmpty() ? urlHosts.get(0)
                : urlHosts.get(onPort.get(0)));
        return watches.get(onPort.isEmpty() ? 0 : onPort.get(0));
    }

    /**
     * HikariCP's connect failed. With one host, that host weighs it. With several, the driver tried them (all, or
     * until one refused), so nothing says which was silent: each host is asked to check itself alone (a host that
     * answered since the attempt began, or has a check under way, does not).
     */
    void connectFailed(long startNanos, SQLException e, KeepaliveConnector.Attempt attempt) {
        HostWatch one = only;
        if (one != null) {
            one.connectFailed(startNanos, e, attempt);
            return;
        }
        long now = System.nanoTime();
        if (ConnectOutcome.of(e, attempt, startNanos, now, probeTimeoutNanos) == ConnectOutcome.SILENT) {
            for (HostWatch w : watches) {
                w.freshAttemptUnanswered(startNanos, now);
            }
        }
    }

    /** Whether borrowers fail fast: every host is judged down. */
    boolean down() {
        HostWatch one = only;
        if (one != null) {
            return one.down();
        }
        for (HostWatch w : watches) {
            if (!w.down()) {
                return false;
            }
        }
        return true;
    }

    /** Half-open ({@link HostWatch#tryWhileDown()}) on each host that is down: whether any is up now. */
    boolean tryWhileDown() {
        HostWatch one = only;
        if (one != null) {
            return one.tryWhileDown();
        }
        for (HostWatch w : watches) {
            if (!w.down() || w.tryWhileDown()) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code host} was just judged down ({@link HostWatch.Pool}): abort the requests waiting on it, probe its idle
     * connections now, and wake the borrowers waiting for a new connection once no host is left.
     */
    @Override
    public void wentDown(HostWatch host, long nowNanos) {
        boolean everyHostDown = down();
        try {
            Set<String> hostKeys = new HashSet<>();
            for (TrackedConnection t : binding.live()) {
                if (of(t.hostKey()) != host) {
                    continue;
                }
                hostKeys.add(t.hostKey());
                long epoch = t.watched().leaseEpoch();
                long waiting = t.watched().waitingSinceNanos(nowNanos);
                if (epoch >= 0 && waiting != 0) {
                    t.watched().waitingForAnswer(epoch, waiting, nowNanos);
                }
            }
            for (String hostKey : hostKeys) {
                binding.verdicts().sweepHost(hostKey);
            }
        } finally {
            if (everyHostDown) {
                binding.wakeBorrowers(); // whatever failed above, no borrower waits out connectionTimeout
            }
        }
    }

    // ---- HostWatch.Pool: what each watch asks of the pool ------------------------------------------------------

    @Override
    public String poolName() {
        return binding.poolName();
    }

    @Override
    public PoolEvents events() {
        return binding.events();
    }

    @Override
    public long lastReceivedNanos(HostWatch host) {
        return binding.lastReceivedNanos(host);
    }

    @Override
    public void abortStalledHandshakes(long beganBeforeNanos) {
        factory.abortStalledHandshakes(beganBeforeNanos);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void after(long delayNanos, Runnable task) {
        try {
            CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS, binding.maintenance()).execute(task);
        } catch (RejectedExecutionException e) {
            // the scheduler is shutting down with the last pool: nothing to take effect on
        }
    }

    @Override
    public HeartbeatCore.Periodic every(long periodNanos, Runnable task) {
        return scheduler.every(Duration.ofNanos(periodNanos), task);
    }

    /** For a borrower that would wait for a new connection while every host is down. */
    SQLException downException() {
        HostWatch one = only;
        if (one != null) {
            return one.downException();
        }
        String names = watches.stream().map(HostWatch::name).collect(Collectors.joining(", "));
        String why = watches.stream().map(w -> w.name() + ": " + w.evidence()).collect(Collectors.joining("; "));
        return new HostDownException(binding.poolName() + " - every database host of the URL (" + names
                + ") is judged down (" + why + "): failing at once instead of waiting connectionTimeout for a new "
                + "connection; borrows succeed again once one answers", names, why);
    }

    /**
     * The pool's verdict: its host's, or for several hosts, down when every one is, with their names, evidence while
     * down, and the sums of their verdicts and checks.
     */
    LivenessStats.Host stats() {
        HostWatch one = only;
        if (one != null) {
            return one.stats();
        }
        List<LivenessStats.Host> each = each();
        boolean allDown = each.stream().allMatch(LivenessStats.Host::down);
        return new LivenessStats.Host(each.stream().map(LivenessStats.Host::name).collect(Collectors.joining(",")),
                allDown, allDown ? each.stream().map(h -> h.name() + ": " + h.evidence())
                        .collect(Collectors.joining("; ")) : null,
                each.stream().mapToLong(LivenessStats.Host::timesDown).sum(),
                each.stream().mapToLong(LivenessStats.Host::checks).sum());
    }

    /** Each host's verdict, in the URL's order. */
    List<LivenessStats.Host> each() {
        return watches.stream().map(HostWatch::stats).toList();
    }

    @Override
    public void close() {
        for (HostWatch w : watches) {
            w.close();
        }
    }
}

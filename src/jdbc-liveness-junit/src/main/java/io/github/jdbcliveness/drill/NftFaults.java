package io.github.jdbcliveness.drill;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kernel faults for a drill, in an {@code nft} table of the drill's own ({@code inet jdbcliveness_<pid>_<n>}).
 * The table is always removed: by {@link #close()} (use try-with-resources), by a shutdown hook for tables still
 * open when the JVM exits, and tables left by a JVM that died (its pid gone) are removed at the next
 * {@link #open}. Needs root and the {@code nft} command (Debian package {@code nftables}).
 */
public final class NftFaults implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NftFaults.class);
    private static final String PREFIX = "jdbcliveness_";
    /** {@code jdbcliveness_<pid>_<process start, epoch seconds>_<n>}: a reused pid is not mistaken for ours. */
    private static final Pattern OUR_TABLE = Pattern.compile("table inet (" + PREFIX + "(\\d+)_(\\d+)_\\d+)");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Set<NftFaults> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger HOOKED = new AtomicInteger();
    private static volatile Optional<String> unavailable;

    private final String table;
    private volatile boolean closed;

    private NftFaults(String table) {
        this.table = table;
    }

    /**
     * Why kernel faults cannot run here (not Linux, not root, no {@code nft}, {@code nft} refused), or empty when
     * they can. Checked once per JVM.
     */
    public static Optional<String> unavailableReason() {
        Optional<String> reason = unavailable;
        if (reason == null) {
            reason = probe();
            unavailable = reason;
        }
        return reason;
    }

    private static Optional<String> probe() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of("kernel faults need Linux nftables; this is " + System.getProperty("os.name"));
        }
        if (!isRoot()) {
            return Optional.of("kernel faults need root (nft changes the machine's packet filter); running as "
                    + System.getProperty("user.name"));
        }
        try {
            Result r = run("list tables\n", true);
            if (r.exit != 0) {
                return Optional.of("nft refused to list tables: " + r.output.strip());
            }
        } catch (IOException e) {
            return Optional.of("the nft command is not available (install Debian's nftables): " + e.getMessage());
        }
        return Optional.empty();
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Creates this drill's table (empty: no fault yet). */
    public static NftFaults open() {
        unavailableReason().ifPresent(r -> {
            throw new IllegalStateException(r);
        });
        removeTablesOfDeadProcesses();
        if (HOOKED.getAndIncrement() == 0) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(NftFaults::close),
                    "jdbc-liveness-nft-cleanup"));
        }
        ProcessHandle self = ProcessHandle.current();
        String table = PREFIX + self.pid() + "_" + startSeconds(self) + "_" + COUNTER.incrementAndGet();
        NftFaults faults = new NftFaults(table);
        faults.apply(NftRules.createTable(table));
        OPEN.add(faults);
        return faults;
    }

    private static void removeTablesOfDeadProcesses() {
        try {
            Matcher m = OUR_TABLE.matcher(run("list tables\n", true).output);
            while (m.find()) {
                long pid = Long.parseLong(m.group(2));
                long started = Long.parseLong(m.group(3));
                boolean alive = ProcessHandle.of(pid).map(p -> startSeconds(p) == started).orElse(false);
                if (!alive) {
                    LOG.warn("removing nft table {} left by process {}, which is gone", m.group(1), pid);
                    run(NftRules.deleteTable(m.group(1)), true);
                }
            }
        } catch (IOException e) {
            LOG.warn("could not look for leftover nft tables", e);
        }
    }

    private static long startSeconds(ProcessHandle p) {
        return p.info().startInstant().map(i -> i.getEpochSecond()).orElse(0L);
    }

    /** The table's name, for logs and for {@code nft list table inet NAME}. */
    public String table() {
        return table;
    }

    /** Drops every packet to and from the server port: a dead route or a host that lost power. */
    public void blackhole(int serverPort) {
        apply(NftRules.drop(table, serverPort, NftRules.Direction.BOTH));
    }

    /** Drops only what the client sends to the server port (an asymmetric route). */
    public void dropToServer(int serverPort) {
        apply(NftRules.drop(table, serverPort, NftRules.Direction.TO_SERVER));
    }

    /** Drops only what the server port sends back (an asymmetric route the other way). */
    public void dropFromServer(int serverPort) {
        apply(NftRules.drop(table, serverPort, NftRules.Direction.FROM_SERVER));
    }

    /**
     * Drops only new connections to the server port (their SYNs); connections already open keep working: a full
     * listen queue, a firewall or a conntrack table that admits no new flow.
     */
    public void dropNewConnections(int serverPort) {
        apply(NftRules.dropNewConnections(table, serverPort));
    }

    /** Answers the client's next packet to the server port with a TCP reset. */
    public void reset(int serverPort) {
        apply(NftRules.reset(table, serverPort));
    }

    /**
     * Drops only the given flows, named by their client ports, both ways: a NAT or load balancer that forgot
     * them. New connections to the same port still work.
     */
    public void dropFlows(int serverPort, Collection<Integer> clientPorts) {
        apply(NftRules.dropFlows(table, serverPort, clientPorts));
    }

    /** Removes every fault; the table stays for the next one. */
    public void heal() {
        apply(NftRules.flush(table));
    }

    /** Removes the table. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.remove(this);
        try {
            Result r = run(NftRules.deleteTable(table), true);
            if (r.exit != 0) {
                LOG.error("could not delete nft table {}: {}", table, r.output.strip());
            }
        } catch (IOException e) {
            LOG.error("could not delete nft table {}", table, e);
        }
    }

    private void apply(String script) {
        if (closed) {
            throw new IllegalStateException("nft table " + table + " is already closed");
        }
        try {
            Result r = run(script, false);
            if (r.exit != 0) {
                throw new IllegalStateException("nft failed (exit " + r.exit + ") on:\n" + script + r.output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run nft", e);
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String script, boolean quiet) throws IOException {
        Path out = Files.createTempFile("jdbcliveness-nft", ".out");
        try {
            return run(script, quiet, out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Result run(String script, boolean quiet, Path out) throws IOException {
        Process p = new ProcessBuilder(nftCommand(), "-f", "-").redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(script.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("nft did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running nft", e);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (!quiet) {
            LOG.debug("nft -f - <<{}>> exit {}", script.strip(), p.exitValue());
        }
        return new Result(p.exitValue(), output);
    }

    private static String nftCommand() {
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
            Path nft = Path.of(dir, "nft");
            if (Files.isExecutable(nft)) {
                return nft.toString();
            }
        }
        return "nft";
    }
}

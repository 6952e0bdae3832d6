package io.github.jdbcliveness.inflight;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel's own record of TCP sockets ({@code /proc/net/tcp}, {@code /proc/net/tcp6}): per socket the
 * unacknowledged bytes ({@code tx_queue}), the running timer ({@code 1} retransmit, {@code 2} keepalive,
 * {@code 4} zero window probe) and the retransmission count. Internal.
 */
public final class ProcNetTcp {

    /** {@code tcp_states.h}: ESTABLISHED. */
    public static final int ESTABLISHED = 0x01;
    public static final int TIMER_RETRANSMIT = 1;
    public static final int TIMER_KEEPALIVE = 2;

    private static final Path[] TABLES = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};

    private ProcNetTcp() {
    }

    /**
     * One socket's line.
     *
     * @param timerTicks time until the timer fires, in clock ticks (USER_HZ, 100 per second on Linux)
     * @param rtoTicks   the socket's retransmission timeout, backed off by each retransmission (it doubles), in clock
     *                   ticks, or -1 if not shown
     */
    public record Entry(int localPort, int remotePort, int state, long txQueue, long rxQueue, int timer,
            long timerTicks, int retransmits, long inode, long rtoTicks, InetAddress localAddress,
            InetAddress remoteAddress) {

        /** The socket's four-tuple. */
        public Flow flow() {
            return new Flow(localAddress, localPort, remoteAddress, remotePort);
        }

        /** Clock ticks per second in /proc (USER_HZ): 100 on every Linux architecture Java runs on. */
        public static final long TICKS_PER_SECOND = 100;

        /**
         * The least time the unacknowledged data has waited, as the kernel's own retransmissions prove it: after n
         * retransmissions the RTO shown has doubled n times, and the data waited through base × (2^n − 1) of them
         * (0 when nothing was retransmitted; a tail loss probe before the first one does not count).
         */
        public long provenUnacknowledgedNanos() {
            if (retransmits <= 0 || rtoTicks <= 0) {
                return 0;
            }
            if (retransmits >= 30) {
                return Long.MAX_VALUE;
            }
            long doubled = 1L << retransmits;
            long baseTicks = Math.max(1, rtoTicks / doubled);
            return baseTicks * (doubled - 1) * (1_000_000_000L / TICKS_PER_SECOND);
        }
    }

    /**
     * A socket's four-tuple, the only key that names one socket: ports alone can match another socket of the same
     * host (the same local port towards another address). IPv4 addresses stay IPv4 when the kernel shows them
     * mapped into IPv6 (the JDK's dual-stack sockets, in {@code tcp6}).
     */
    public record Flow(InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort) {

        /** The flow of a connected socket's two ends, or null if either is unknown. */
        public static Flow of(InetSocketAddress local, InetSocketAddress remote) {
            if (local == null || remote == null || local.getAddress() == null || remote.getAddress() == null) {
                return null;
            }
            return new Flow(local.getAddress(), local.getPort(), remote.getAddress(), remote.getPort());
        }

        long portKey() {
            return flow(localPort, remotePort);
        }
    }

    public static boolean available() {
        return Files.isReadable(TABLES[0]);
    }

    /** The socket whose local port is {@code localPort} and remote port {@code remotePort}, if the kernel has it. */
    public static Optional<Entry> find(int localPort, int remotePort) throws IOException {
        for (Path table : TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            try (BufferedReader reader = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
                reader.readLine();
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    Entry e = parse(line);
                    if (e.localPort == localPort && e.remotePort == remotePort) {
                        return Optional.of(e);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Local and remote port in one number: the cheap first filter of {@link #scan}. */
    static long flow(int localPort, int remotePort) {
        return ((long) localPort << 16) | remotePort;
    }

    /**
     * One pass over the kernel's tables, parsing fully only the lines whose ports match one of {@code flows}, and
     * keeping those whose whole four-tuple does. Cost grows with the number of sockets on the host (the kernel prints
     * them all), so callers read only when they must.
     *
     * @return the entries found, by flow
     */
    public static Map<Flow, Entry> scan(Collection<Flow> flows) throws IOException {
        Map<Flow, Entry> found = new HashMap<>();
        Set<Long> ports = new HashSet<>();
        for (Flow f : flows) {
            ports.add(f.portKey());
        }
        Set<Flow> wanted = new HashSet<>(flows);
        // Each read walks the kernel's whole socket hash table (measured: ~5 ms even for two sockets), so read first
        // the table where the flows were last found (tcp6 for the JDK's dual-stack sockets) and stop once all are.
        int first = lastFoundIn;
        for (int i = 0; i < TABLES.length; i++) {
            int index = (first + i) % TABLES.length;
            Path table = TABLES[index];
            if (!Files.isReadable(table)) {
                continue;
            }
            int before = found.size();
            try (BufferedReader reader = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
                reader.readLine();
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    long key = flowOf(line);
                    if (key < 0 || !ports.contains(key)) {
                        continue;
                    }
                    Entry e = parse(line);
                    Flow flow = e.flow();
                    if (wanted.contains(flow)) {
                        found.put(flow, e);
                        if (found.size() == wanted.size()) {
                            lastFoundIn = index;
                            return found;
                        }
                    }
                }
            }
            if (found.size() > before) {
                lastFoundIn = index;
            }
        }
        return found;
    }

    /** The table (index into TABLES) where flows were found last. */
    private static volatile int lastFoundIn = 1;

    /** The flow key of a line without splitting it: the ports after the 2nd and 3rd fields' last colon. */
    static long flowOf(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) == ' ') {
            i++;
        }
        int local = line.indexOf(' ', i); // end of "sl:"
        if (local < 0) {
            return -1;
        }
        int localEnd = line.indexOf(' ', local + 1);
        int remoteEnd = localEnd < 0 ? -1 : line.indexOf(' ', localEnd + 1);
        if (remoteEnd < 0) {
            return -1;
        }
        int localPort = hex(line, localEnd - 4, localEnd);
        int remotePort = hex(line, remoteEnd - 4, remoteEnd);
        return localPort < 0 || remotePort < 0 ? -1 : flow(localPort, remotePort);
    }

    private static int hex(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** Parses one line: {@code sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...}. */
    static Entry parse(String line) {
        String[] f = line.trim().split("\\s+");
        String[] queues = f[4].split(":");
        String[] timer = f[5].split(":");
        long rto = f.length > 12 ? parseOr(f[12], -1) : -1;
        return new Entry(port(f[1]), port(f[2]), Integer.parseInt(f[3], 16), Long.parseLong(queues[0], 16),
                Long.parseLong(queues[1], 16), Integer.parseInt(timer[0], 16), Long.parseLong(timer[1], 16),
                Integer.parseInt(f[6], 16), Long.parseLong(f[9]), rto, address(f[1]), address(f[2]));
    }

    /**
     * The address of {@code HEX:PORT}: 8 hex digits for IPv4, 32 for IPv6, each 32-bit word printed in the host's
     * byte order.
     */
    static InetAddress address(String field) {
        String hex = field.substring(0, field.lastIndexOf(':'));
        byte[] bytes = new byte[hex.length() / 2];
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + b * 2;
                int value = Integer.parseInt(hex.substring(at, at + 2), 16);
                bytes[word * 4 + (little ? 3 - b : b)] = (byte) value;
            }
        }
        try {
            return InetAddress.getByAddress(bytes); // an IPv4-mapped IPv6 address comes back as IPv4
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + field, e);
        }
    }

    private static long parseOr(String s, long fallback) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }
}

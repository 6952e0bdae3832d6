package io.github.jdbcliveness.inflight;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
            long timerTicks, int retransmits, long inode, long rtoTicks) {

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

    /** The key of a flow for {@link #scan}: local and remote port in one number. */
    public static long flow(int localPort, int remotePort) {
        return ((long) localPort << 16) | remotePort;
    }

    /**
     * One pass over the kernel's tables, parsing fully only the lines of the given flows ({@link #flow}). Cost grows
     * with the number of sockets on the host (the kernel prints them all), so callers read only when they must.
     *
     * @return the entries found, by flow key
     */
    public static Map<Long, Entry> scan(Set<Long> flows) throws IOException {
        Map<Long, Entry> found = new HashMap<>();
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
                    if (key >= 0 && flows.contains(key)) {
                        found.put(key, parse(line));
                        if (found.size() == flows.size()) {
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
                Integer.parseInt(f[6], 16), Long.parseLong(f[9]), rto);
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

package io.github.jdbcliveness.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the kernel does for a socket nobody tuned: its keepalive (Linux: 7200 s idle, 75 s interval, 9 probes, so
 * 2 h 11 min) and how long it retransmits unacknowledged data before it gives up ({@code tcp_retries2} = 15: about
 * 924.6 s with the 200 ms minimum and 120 s maximum RTO).
 */
public record KernelDefaults(int keepaliveIdleSeconds, int keepaliveIntervalSeconds, int keepaliveCount,
        int retries2) {

    public static final KernelDefaults LINUX = new KernelDefaults(7200, 75, 9, 15);

    /** This machine's values from {@code /proc/sys/net/ipv4}, each falling back to Linux's default. */
    public static KernelDefaults read() {
        return new KernelDefaults(read("tcp_keepalive_time", LINUX.keepaliveIdleSeconds),
                read("tcp_keepalive_intvl", LINUX.keepaliveIntervalSeconds),
                read("tcp_keepalive_probes", LINUX.keepaliveCount), read("tcp_retries2", LINUX.retries2));
    }

    public Duration keepaliveDetection() {
        return Duration.ofSeconds(keepaliveIdleSeconds + (long) keepaliveCount * keepaliveIntervalSeconds);
    }

    /**
     * How long data stays unacknowledged before the kernel gives up: the RTO starts at 200 ms and doubles up to
     * 120 s, and the connection ends after {@code retries2} retransmissions (the sum of the waits between them).
     */
    public Duration retransmissionTimeout() {
        long millis = 0;
        long rto = 200;
        for (int i = 0; i <= retries2; i++) {
            millis += rto;
            rto = Math.min(rto * 2, 120_000);
        }
        return Duration.ofMillis(millis);
    }

    private static int read(String name, int fallback) {
        try {
            // procfs reports size 0: Files.readString trusts the size and read "1" of "15"; a reader reads to the end.
            try (var r = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4", name))) {
                String line = r.readLine();
                return line == null ? fallback : Integer.parseInt(line.trim());
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            return fallback;
        }
    }
}

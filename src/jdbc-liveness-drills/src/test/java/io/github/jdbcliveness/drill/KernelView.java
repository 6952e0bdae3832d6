package io.github.jdbcliveness.drill;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The kernel's own view of this JVM's sockets, asked from outside the JVM: {@code ss} and {@code getsockopt}. */
final class KernelView {

    private static final Pattern TIMER = Pattern.compile("timer:\\((\\w+),([^,]+),(\\d+)\\)");
    /** iproute2's format: {@code [Nmin][S(sec|.)][MMMms]}, so "1.996ms" is 1 s 996 ms and "1min14sec" is 74 s. */
    private static final Pattern SS_TIME = Pattern.compile("(?:(\\d+)min)?(?:(\\d+)(?:sec|\\.))?(?:(\\d+)ms)?");

    private KernelView() {
    }

    /** A socket's running timer as {@code ss -tnoi} shows it, e.g. {@code timer:(keepalive,1.9sec,0)}. */
    record Timer(String kind, double seconds, int probes) {
    }

    static Optional<Timer> ssTimer(int localPort) throws IOException, InterruptedException {
        String out = run("ss", "-tnoiH", "state", "established", "( sport = :" + localPort + " )");
        Matcher m = TIMER.matcher(out);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new Timer(m.group(1), ssSeconds(m.group(2)), Integer.parseInt(m.group(3))));
    }

    static double ssSeconds(String time) {
        Matcher t = SS_TIME.matcher(time);
        if (!t.matches()) {
            throw new IllegalArgumentException("unexpected ss time " + time);
        }
        return 60.0 * number(t.group(1)) + number(t.group(2)) + number(t.group(3)) / 1000.0;
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }

    /** SO_KEEPALIVE and TCP_KEEPIDLE / INTVL / CNT of this JVM's socket with that local port, via pidfd_getfd. */
    static Map<String, Integer> sockopts(int localPort) throws IOException, InterruptedException {
        Path script = Files.createTempFile("sockopts", ".py");
        try (InputStream in = KernelView.class.getResourceAsStream("/kernel/sockopts.py")) {
            Files.write(script, in.readAllBytes());
            String json = run("python3", script.toString(), Long.toString(ProcessHandle.current().pid()),
                    Integer.toString(localPort));
            Map<String, Integer> values = new TreeMap<>();
            Matcher m = Pattern.compile("\"(\\w+)\": (\\d+)").matcher(json);
            while (m.find()) {
                values.put(m.group(1), Integer.parseInt(m.group(2)));
            }
            if (values.isEmpty()) {
                throw new IOException("sockopts.py printed no values: " + json);
            }
            return values;
        } finally {
            Files.deleteIfExists(script);
        }
    }

    static boolean pythonAvailable() {
        try {
            return run("python3", "-c", "import os; os.pidfd_open").isEmpty();
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * The local ports of this machine's sockets in state ESTABLISHED whose far end is port {@code remotePort}: the
     * client ends of the connections to a server (or relay) listening there.
     */
    static java.util.Set<Integer> establishedTo(int remotePort) throws IOException, InterruptedException {
        String out = run("ss", "-tnH", "state", "established", "( dport = :" + remotePort + " )");
        java.util.Set<Integer> ports = new java.util.TreeSet<>();
        for (String line : out.split("\n")) {
            String[] cols = line.trim().split("\s+");
            if (cols.length >= 4) { // Recv-Q Send-Q Local Peer (no State column under a state filter)
                String local = cols[2];
                ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1)));
            }
        }
        return ports;
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 20 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }
}

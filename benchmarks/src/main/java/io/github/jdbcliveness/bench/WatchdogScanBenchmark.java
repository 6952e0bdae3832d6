package io.github.jdbcliveness.bench;

import io.github.jdbcliveness.inflight.ProcNetTcp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * D10: what one look of the in-flight watchdog costs when it must read the kernel's socket table, on a host with many
 * sockets open. The benchmark opens {@code sockets} TCP sockets on loopback (half client, half accepted; plus one
 * listener), then times {@link ProcNetTcp#scan} for one suspect flow, the last one opened, so the whole table is read.
 * Linux only. The process needs a file descriptor limit above {@code sockets} ({@code ulimit -n}). Run it on a quiet
 * host: every socket in the table counts, TIME_WAIT entries of other programs included ({@code ss -s}).
 *
 * <pre>{@code
 * mvn -B -q install -DskipTests
 * mvn -B -q -f benchmarks/pom.xml package
 * java -jar benchmarks/target/benchmarks.jar WatchdogScan -rf json -rff benchmarks/results/watchdog-scan.json
 * }</pre>
 *
 * Reading it: the score is the time of one {@code /proc} read. The watchdog reads only when a lease has lived longer
 * than one watchdog interval, so this is paid once per interval while such a lease exists, never per borrow.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WatchdogScanBenchmark {

    /** Sockets open on the host besides the JVM's own few. */
    @Param({"100", "10000"})
    public int sockets;

    private final List<Socket> open = new ArrayList<>();
    private ServerSocket listener;
    private Set<ProcNetTcp.Flow> suspect;

    @Setup(Level.Trial)
    public void openSockets() throws IOException {
        if (!ProcNetTcp.available()) {
            throw new IllegalStateException("Linux /proc/net/tcp is needed");
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        listener = new ServerSocket(0, 1024, loopback);
        Socket last = null;
        for (int i = 0; i < sockets / 2; i++) {
            last = new Socket(loopback, listener.getLocalPort());
            open.add(last);
            open.add(listener.accept());
        }
        suspect = Set.of(ProcNetTcp.Flow.of((java.net.InetSocketAddress) last.getLocalSocketAddress(),
                (java.net.InetSocketAddress) last.getRemoteSocketAddress()));
        Map<ProcNetTcp.Flow, ProcNetTcp.Entry> found = ProcNetTcp.scan(suspect);
        if (found.size() != 1) {
            throw new IllegalStateException("the suspect flow was not found in /proc/net/tcp");
        }
    }

    /** Closes with a reset (linger 0): no TIME_WAIT entries left to inflate the next trial's table. */
    @TearDown(Level.Trial)
    public void closeSockets() throws IOException {
        for (Socket s : open) {
            s.setSoLinger(true, 0);
            s.close();
        }
        listener.close();
    }

    @Benchmark
    public Map<ProcNetTcp.Flow, ProcNetTcp.Entry> scanForOneSuspect() throws IOException {
        return ProcNetTcp.scan(suspect);
    }
}

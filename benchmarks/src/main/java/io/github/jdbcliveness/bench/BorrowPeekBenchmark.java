package io.github.jdbcliveness.bench;

import io.github.jdbcliveness.keepalive.PgKeepaliveSocketFactory;
import io.github.jdbcliveness.keepalive.SocketPeek;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the look at the socket costs that every borrow now makes (has the server closed this connection?): one
 * {@link SocketPeek#peek} of a quiet, connected loopback socket of ours, the common case, which is one non-blocking
 * read that finds nothing. The stub borrow benchmark has no socket and so does not see it; this is its price.
 *
 * <pre>{@code
 * mvn -B -q install -DskipTests -Dcli.skip=true && mvn -B -q -f benchmarks/pom.xml package
 * java -jar benchmarks/target/benchmarks.jar BorrowPeek
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BorrowPeekBenchmark {

    private ServerSocket listener;
    private Socket ours;
    private Socket peer;

    @Setup(Level.Trial)
    public void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ours = new PgKeepaliveSocketFactory(new Properties()).createSocket();
        ours.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 5000);
        peer = listener.accept();
        ours.getInputStream(); // a driver's socket has its stream from the first read on
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        ours.close();
        peer.close();
        listener.close();
    }

    @Benchmark
    public Object peekQuietSocket() {
        return SocketPeek.peek(ours);
    }
}

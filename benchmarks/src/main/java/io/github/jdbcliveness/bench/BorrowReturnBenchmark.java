package io.github.jdbcliveness.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.bench.stub.StubDriver;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What jdbc-liveness adds to the hot path of a pool: the cost of one borrow and return, with and without a
 * trivial statement, through plain HikariCP ({@code pool=hikari}) and through {@link LivenessDataSource} around
 * the same HikariCP configuration ({@code pool=liveness}). Connections come from {@link StubDriver}, whose calls
 * return at once, so the numbers are pool overhead and nothing else; they say nothing about network or server
 * time, which in a real application dwarf both.
 *
 * <p>{@code pool=validating} is jdbc-liveness with {@code validateOnBorrow(true)}: every borrow also runs one probe on a
 * probe thread. Against the stub that probe costs no network, so the difference shows the hand-off to the probe
 * thread; against a real server add one round trip per borrow.
 *
 * <p>The liveness variants run with {@code keepaliveEnabled(false)}: the stub has no socket to tune (the keepalive
 * layer accepts only pgjdbc, Connector/J and MariaDB), and keepalive costs only at connect time anyway, which this
 * benchmark does not measure. What remains is everything jdbc-liveness does per borrow and return.
 *
 * <p>Build and run from the repository root (install the library first, since this project builds against the
 * installed {@code jdbc-liveness}):
 *
 * <pre>{@code
 * mvn -B -q install -DskipTests
 * mvn -B -q -f benchmarks/pom.xml package
 * java -jar benchmarks/target/benchmarks.jar BorrowReturn -rf json -rff benchmarks/results/borrow-return.json
 * }</pre>
 *
 * <p>The defaults below (1 fork, 3 × 2 s warm-up, 5 × 2 s measurement) are overridden by JMH's own options:
 * {@code -f}, {@code -wi}, {@code -w}, {@code -i}, {@code -r}, {@code -p pool=hikari}, {@code -bm thrpt};
 * {@code -t} overrides the thread count of every method at once.
 *
 * <p>Reading the result: compare {@code liveness} with {@code hikari} for the same method and mode. For
 * {@code thrpt} (operations per µs) the ratio liveness / hikari is the share of HikariCP's throughput that
 * remains: 1.00 means no measurable overhead, 0.80 means a fifth fewer borrows per second. For {@code avgt}
 * (µs per operation) the difference liveness − hikari is the absolute cost jdbc-liveness adds to each
 * borrow/return. A ratio whose distance from 1 is within the two scores' error columns ({@code ±}) is noise, not
 * overhead. The {@code _8threads} methods show contention; they need at least 8 cores to mean what they say.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BorrowReturnBenchmark {

    private static final int POOL_SIZE = 16;

    /** Which data source hands out the connections. */
    @Param({"hikari", "liveness", "validating"})
    public String pool;

    private DataSource dataSource;
    private AutoCloseable closer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(StubDriver.URL_PREFIX + "bench");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setConnectionTimeout(5000);
        config.setPoolName("bench-" + pool);

        switch (pool) {
            case "hikari" -> {
                HikariDataSource hikari = new HikariDataSource(config);
                dataSource = hikari;
                closer = hikari;
            }
            case "liveness" -> {
                LivenessDataSource liveness = LivenessDataSource.create(config,
                        LivenessConfig.builder().keepaliveEnabled(false).build());
                dataSource = liveness;
                closer = liveness;
            }
            case "validating" -> {
                LivenessDataSource liveness = LivenessDataSource.create(config,
                        LivenessConfig.builder().keepaliveEnabled(false).validateOnBorrow(true).build());
                dataSource = liveness;
                closer = liveness;
            }
            default -> throw new IllegalArgumentException("pool (" + pool + ") must be hikari, liveness or validating");
        }
        fillPool();
    }

    /**
     * HikariCP opens all but the first connection on a background thread; holding all of them at once once makes
     * the pool full before the first warm-up iteration, so no iteration pays for connection creation.
     */
    private void fillPool() throws SQLException {
        List<Connection> held = new ArrayList<>(POOL_SIZE);
        try {
            for (int i = 0; i < POOL_SIZE; i++) {
                held.add(dataSource.getConnection());
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (closer != null) {
            closer.close();
        }
    }

    @Benchmark
    @Threads(1)
    public void borrowReturn_1thread() throws SQLException {
        borrowReturn();
    }

    @Benchmark
    @Threads(8)
    public void borrowReturn_8threads() throws SQLException {
        borrowReturn();
    }

    @Benchmark
    @Threads(1)
    public boolean borrowQueryReturn_1thread() throws SQLException {
        return borrowQueryReturn();
    }

    @Benchmark
    @Threads(8)
    public boolean borrowQueryReturn_8threads() throws SQLException {
        return borrowQueryReturn();
    }

    private void borrowReturn() throws SQLException {
        dataSource.getConnection().close();
    }

    /** Returns the result flag so the JIT cannot discard the statement. */
    private boolean borrowQueryReturn() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            return s.execute("SELECT 1");
        }
    }
}

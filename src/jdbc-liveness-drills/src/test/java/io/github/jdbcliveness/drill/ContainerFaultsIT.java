package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Container-level faults ({@link ContainerFaults}) on real servers in Docker, through the stock Testcontainers
 * classes and the images {@code .ci/docker up} builds; the pool connects to the container's own address, so that the
 * kernel's evidence is not hidden behind Docker's userland proxy. Each drill gets a container of its own.
 *
 * <p>Skips when Docker does not answer, unless {@code JDBCLIVENESS_REQUIRE_DOCKER=true} (CI), when it fails.
 */
class ContainerFaultsIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 5;
    private static final String PG_IMAGE = "jdbc-liveness/postgresql:15";
    private static final String MARIADB_IMAGE = "jdbc-liveness/mariadb:10.11";
    /** A subnet of our own for the drills' network (not one Docker's default pools hand out). */
    private static final String SUBNET = "10.213.77.0/24";

    private static Network network;

    static Stream<Arguments> serversAndDrivers() {
        return Stream.of(Arguments.of("postgresql", "postgresql"), Arguments.of("mariadb", "mariadb"),
                Arguments.of("mariadb", "mysql"));
    }

    @BeforeAll
    static void dockerAnswers() {
        if (!dockerIsUp()) {
            skipOrFail("Docker does not answer (DOCKER_HOST=" + System.getenv("DOCKER_HOST")
                    + "); run .ci/docker up and source its env file");
        }
        for (String image : new String[] {PG_IMAGE, MARIADB_IMAGE}) {
            try {
                DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            } catch (RuntimeException e) {
                skipOrFail("image " + image + " is missing; .ci/docker up builds it");
            }
        }
        network = ContainerFaults.network(SUBNET);
    }

    @AfterAll
    static void removeNetwork() {
        if (network != null) {
            network.close();
        }
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("serversAndDrivers")
    void paused_queryInFlightFailsWithinB_idleOnesEvicted_andThePoolIsFullWithinBOfTheUnpause(String server,
            String driver) throws Exception {
        try (Drill d = new Drill(server, driver, "paused")) {
            d.awaitFull();
            String sleep3 = server.equals("postgresql") ? "SELECT pg_sleep(3)" : "SELECT SLEEP(3)";
            CompletableFuture<Long> inFlight = CompletableFuture.supplyAsync(() -> {
                try (Connection c = d.ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute(sleep3);
                    return -1L;
                } catch (SQLException e) {
                    return System.nanoTime();
                }
            });
            Waits.parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500)); // scripted: the query is sent
            long fault = d.fault();
            d.faults.pause();
            long failedAt;
            try {
                failedAt = inFlight.get(B.toSeconds() + 4, TimeUnit.SECONDS);
                // The idle ones: four, opened before the pause.
                d.awaitEvicted(POOL, B.plusSeconds(2));
            } finally {
                d.faults.unpause();
            }
            long thawed = System.nanoTime();
            d.awaitFullAgain(B);
            long full = System.nanoTime() - thawed;
            System.out.printf("container paused (%s via %s): the query in flight failed %.2f s after the pause; "
                    + "%d evicted (%s), the last %.2f s after it; the pool full %.2f s after the unpause%n", server, driver,
                    (failedAt - fault) / 1e9, d.evictedOld(), d.reasons(), d.lastEviction(fault) / 1e9, full / 1e9);
            assertTrue(failedAt > 0, "the query completed although the container was paused");
            assertTrue(failedAt - fault <= B.plusSeconds(1).toNanos(),
                    "failed " + (failedAt - fault) / 1e9 + " s after the pause");
            assertEquals(POOL, d.evictedOld(), "connections opened before the pause and evicted");
            assertTrue(d.lastEviction(fault) <= B.plusSeconds(1).toNanos(),
                    "last eviction " + d.lastEviction(fault) / 1e9 + " s after the pause");
            d.selectOne();
        }
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("serversAndDrivers")
    void disconnected_idleOnesEvictedWithinB_andThePoolRefillsAfterTheReconnect(String server, String driver)
            throws Exception {
        try (Drill d = new Drill(server, driver, "disconnected")) {
            d.awaitFull();
            long fault = d.fault();
            d.faults.disconnect();
            try {
                d.awaitEvicted(POOL, B.plusSeconds(2));
            } finally {
                d.faults.reconnect();
            }
            long back = System.nanoTime();
            d.awaitFullAgain(B.multipliedBy(2));
            long full = System.nanoTime() - back;
            System.out.printf("container disconnected (%s via %s): %d evicted (%s), the last %.2f s after the "
                    + "disconnect; the pool full %.2f s after the reconnect; %s%n", server, driver, d.evictedOld(),
                    d.reasons(), d.lastEviction(fault) / 1e9, full / 1e9, d.ds.stats().host());
            assertEquals(POOL, d.evictedOld(), "connections opened before the disconnect and evicted");
            assertTrue(d.lastEviction(fault) <= B.toNanos(),
                    "last eviction " + d.lastEviction(fault) / 1e9 + " s after the disconnect");
            assertTrue(full <= B.toNanos(), "full " + full / 1e9 + " s after the reconnect");
            d.selectOne();
        }
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("serversAndDrivers")
    void killed_everyOldConnectionIsGone_andRequestsSucceedAfterTheRestart(String server, String driver)
            throws Exception {
        try (Drill d = new Drill(server, driver, "killed")) {
            d.awaitFull();
            long fault = d.fault();
            d.faults.kill();
            d.awaitEvicted(POOL, B.plusSeconds(2));
            long evicted = System.nanoTime() - fault;
            long restart = System.nanoTime();
            d.faults.restart();
            d.awaitFullAgain(Duration.ofSeconds(30));
            long full = System.nanoTime() - restart;
            System.out.printf("container killed (%s via %s): %d evicted (%s), the last %.2f s after the kill; "
                    + "restarted on the same address, the pool full %.2f s after the restart began%n", server, driver,
                    d.evictedOld(), d.reasons(), evicted / 1e9, full / 1e9);
            assertEquals(POOL, d.evictedOld(), "connections opened before the kill and evicted");
            assertTrue(evicted <= B.toNanos(), "last eviction " + evicted / 1e9 + " s after the kill");
            d.selectOne();
        }
    }

    /** One drill's container, its faults and a pool of {@value #POOL} on the container's own address. */
    private static final class Drill implements AutoCloseable {

        final JdbcDatabaseContainer<?> container;
        final ContainerFaults faults;
        final LivenessDataSource ds;
        final HikariDataSource pool;
        final EvictionRecorder recorder = new EvictionRecorder();
        /** When each connection opened since the listener was added (the pool's first ones may precede it). */
        final Map<Long, Long> openedAt = new ConcurrentHashMap<>();
        /** The moment of the fault: connections not opened after it are the old ones, which must go. */
        volatile long fault = Long.MAX_VALUE;

        Drill(String server, String driver, String name) throws SQLException {
            container = server.equals("postgresql")
                    ? new PostgreSQLContainer(DockerImageName.parse(PG_IMAGE).asCompatibleSubstituteFor("postgres"))
                    // MariaDB 10.11 has no TLS set up, and MariaDB Connector/J 4.0 encrypts and verifies by default
                    // (Testcontainers' own start check connects with it too): plain TCP, as 3.x did by default.
                    : new MariaDBContainer(DockerImageName.parse(MARIADB_IMAGE).asCompatibleSubstituteFor("mariadb"))
                            .withUrlParam("sslMode", "disable");
            container.withNetwork(network).withImagePullPolicy(image -> false);
            LivenessDataSource started = null;
            try {
                container.start();
                faults = ContainerFaults.of(container, network);
                HikariConfig config = new HikariConfig();
                config.setPoolName(name + "-" + driver);
                // Connector/J spells that setting its own way, and its default (PREFERRED) falls back to plain TCP.
                config.setJdbcUrl(driver.equals("mysql") ? faults.jdbcUrl(driver).replace("?sslMode=disable", "")
                        : faults.jdbcUrl(driver));
                config.setUsername(container.getUsername());
                config.setPassword(container.getPassword());
                config.setMaximumPoolSize(POOL);
                config.setMinimumIdle(POOL);
                started = LivenessDataSource.create(config, LivenessConfig.builder().detectionBudget(B).build());
                started.addListener(recorder);
                started.addListener(new LivenessListener() {
                    @Override
                    public void onConnectionOpened(ConnectionRef connection,
                            io.github.jdbcliveness.AppliedKeepalive keepalive) {
                        openedAt.put(connection.id(), System.nanoTime());
                    }
                });
                ds = started;
                pool = ds.unwrap(HikariDataSource.class);
            } catch (RuntimeException | SQLException e) {
                if (started != null) {
                    started.close();
                }
                container.stop();
                throw e;
            }
        }

        void awaitFull() {
            Pools.awaitIdle(pool, POOL, Duration.ofSeconds(15));
            assertEquals(0, recorder.evictions().size(), "evictions before the fault: " + recorder.evictions());
        }

        /** Marks the fault: from now on, the pool's connections so far are the old ones. */
        long fault() {
            fault = System.nanoTime();
            return fault;
        }

        private boolean old(long id) {
            Long at = openedAt.get(id);
            return at == null || at < fault;
        }

        void awaitEvicted(int n, Duration deadline) throws InterruptedException {
            long end = System.nanoTime() + deadline.toNanos();
            while (evictedOld() < n) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                recorder.await(recorder.evictions().size() + 1, Duration.ofNanos(left));
            }
        }

        int evictedOld() {
            return (int) recorder.evictions().stream().map(e -> e.connection().id()).filter(this::old).distinct()
                    .count();
        }

        long lastEviction(long fault) {
            return recorder.evictions().stream().filter(e -> old(e.connection().id()))
                    .mapToLong(e -> e.atNanos() - fault).max().orElse(Long.MAX_VALUE);
        }

        String reasons() {
            return recorder.evictions().stream().filter(e -> old(e.connection().id()))
                    .collect(Collectors.groupingBy(e -> e.reason().name(), Collectors.counting())).toString();
        }

        void awaitFullAgain(Duration deadline) {
            Pools.awaitIdle(pool, POOL, deadline);
        }

        void selectOne() throws SQLException {
            try (Connection c = ds.getConnection()) {
                assertEquals(1, Pools.selectOne(c));
            }
        }

        @Override
        public void close() {
            try {
                ds.close();
            } finally {
                container.stop();
            }
        }
    }

    private static boolean dockerIsUp() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static void skipOrFail(String reason) {
        if (Boolean.parseBoolean(System.getenv("JDBCLIVENESS_REQUIRE_DOCKER"))) {
            fail("JDBCLIVENESS_REQUIRE_DOCKER=true but the container drills cannot run: " + reason);
        }
        Assumptions.abort(reason);
    }
}

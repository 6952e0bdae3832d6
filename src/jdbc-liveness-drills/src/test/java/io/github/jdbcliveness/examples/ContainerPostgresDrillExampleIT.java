package io.github.jdbcliveness.examples;

import io.github.jdbcliveness.junit.Drill;
import io.github.jdbcliveness.junit.DrillFault;
import io.github.jdbcliveness.junit.DrillNetworks;
import io.github.jdbcliveness.junit.FaultKind;
import io.github.jdbcliveness.junit.FaultLayer;
import io.github.jdbcliveness.junit.LivenessDrillExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The drill kit in a plain JUnit test against a Testcontainers PostgreSQL: a hung server (docker pause), a dead
 * path (the container disconnected from its network) and a crash (docker kill, then a restart). The container is
 * on a network of {@link DrillNetworks#withSubnet(String)}, which lets Docker keep its address across a reconnect
 * and a restart, and lets the pool reach it directly instead of through Docker's port proxy. Copy it: in your
 * suite the image is {@code postgres:17}; no registry is reachable in this project's CI, which builds its own.
 */
class ContainerPostgresDrillExampleIT {

    private static final String IMAGE = System.getenv().getOrDefault("JDBCLIVENESS_PG_IMAGE",
            "jdbc-liveness/postgresql:15");
    private static final Duration MARGIN = Duration.ofSeconds(1);

    private static Network network;
    private static PostgreSQLContainer postgres;

    @RegisterExtension
    static LivenessDrillExtension drills = LivenessDrillExtension.builder()
            .container(() -> postgres)
            .budget(Duration.ofSeconds(6))
            .build();

    @BeforeAll
    static void startPostgres() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            if (Boolean.parseBoolean(System.getenv("JDBCLIVENESS_REQUIRE_DOCKER"))) {
                Assertions.fail("JDBCLIVENESS_REQUIRE_DOCKER=true but Docker does not answer");
            }
            Assumptions.abort("Docker does not answer (DOCKER_HOST=" + System.getenv("DOCKER_HOST") + ")");
        }
        network = DrillNetworks.withSubnet("10.213.78.0/24");
        postgres = new PostgreSQLContainer(DockerImageName.parse(IMAGE).asCompatibleSubstituteFor("postgres"))
                .withNetwork(network)
                .withImagePullPolicy(image -> !image.asCanonicalNameString().startsWith("jdbc-liveness/"));
        postgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.stop();
        }
        if (network != null) {
            network.close();
        }
    }

    @Test
    void aHungServer_isNoticedWithinTheBudget_andNoRequestWaitsLonger(Drill drill) throws Exception {
        DrillFault fault = drill.fault(FaultKind.HUNG_SERVER);
        Assertions.assertEquals(FaultLayer.CONTAINER, fault.layer(), drill.report());
        survivesAnOutageOfTwiceTheBudget(drill, fault);
    }

    @Test
    void aDeadPath_isNoticedWithinTheBudget_andThePoolIsFullAgainAfterTheHeal(Drill drill) throws Exception {
        DrillFault fault = drill.fault(FaultKind.DEAD_PATH);
        survivesAnOutageOfTwiceTheBudget(drill, fault);
    }

    @Test
    void aCrash_thenARestart_leavesNoDeadConnection(Drill drill) throws Exception {
        DrillFault fault = drill.fault(FaultKind.CRASH);
        drill.pool(5);

        fault.inject();
        drill.assertNoticedWithin(drill.budget());
        fault.heal(); // docker start: the same address, the server's own start time
        drill.assertPoolFullWithin(drill.budget());
        drill.traffic(4);
        fault.keepFor(fault.lasted().plusSeconds(2)); // traffic on the restarted server
        drill.assertFailedAtMost(0);
    }

    /**
     * The promise for one outage: a pool of 5 under traffic of 4 threads notices the fault within B, no request
     * waits longer than B (plus a margin), and after 2 × B of outage and the heal the pool is full again within B.
     */
    private static void survivesAnOutageOfTwiceTheBudget(Drill drill, DrillFault fault) throws Exception {
        drill.pool(5);
        drill.traffic(4);

        fault.inject();
        drill.assertNoticedWithin(drill.budget());
        fault.keepFor(drill.budget().multipliedBy(2));
        drill.assertEveryRequestEndedWithin(drill.budget().plus(MARGIN));
        fault.heal();
        drill.assertPoolFullWithin(drill.budget());
    }
}

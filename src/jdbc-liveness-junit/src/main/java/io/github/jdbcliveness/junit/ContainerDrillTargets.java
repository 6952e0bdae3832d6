package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.drill.ContainerFaults;
import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.DatabaseTargets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.containers.Network;

/**
 * A Testcontainers database container as a drill target. The only class of the kit that names Testcontainers.
 *
 * <p>On a network made by {@link DrillNetworks#withSubnet(String)}, the container gets container-level faults and
 * the pool connects to the container's own address, so that kernel evidence is not hidden behind Docker's userland
 * proxy (it answers keepalives for a published port). Otherwise, or where the host cannot reach that address, the
 * pool uses the published port and container faults are not offered; the reason is in the report.
 */
final class ContainerDrillTargets {

    private ContainerDrillTargets() {
    }

    static DrillTarget of(Object container, String driver) {
        if (!(container instanceof JdbcDatabaseContainer<?> jdbc)) {
            throw new IllegalArgumentException("container (" + (container == null ? "null"
                    : container.getClass().getName()) + ") must be a started Testcontainers JdbcDatabaseContainer, "
                    + "such as PostgreSQLContainer, MySQLContainer or MariaDBContainer");
        }
        if (!jdbc.isRunning()) {
            throw new IllegalStateException("the container " + jdbc.getDockerImageName() + " is not running: start "
                    + "it first (@Container on a static field, or start())");
        }
        DatabaseTarget published = DatabaseTargets.external(jdbc.getJdbcUrl(), jdbc.getUsername(),
                jdbc.getPassword());
        String d = driver == null ? DrillTarget.defaultDriver(published.kind()) : driver;
        Network network = jdbc.getNetwork();
        if (network == null) {
            return new DrillTarget(published, d, null, "the container is on no network made by "
                    + "DrillNetworks.withSubnet(subnet), so Docker cannot keep its address across a reconnect");
        }
        ContainerFaults faults;
        try {
            faults = ContainerFaults.of(jdbc, network);
        } catch (RuntimeException e) {
            return new DrillTarget(published, d, null, "its address could not be pinned on its network ("
                    + e.getMessage() + ")");
        }
        InetSocketAddress own = faults.address();
        if (!reachable(own)) {
            return new DrillTarget(published, d, null, "this machine cannot reach the container's own address "
                    + own.getHostString() + ":" + own.getPort());
        }
        DatabaseTarget direct = DatabaseTargets.external(faults.jdbcUrl(d), jdbc.getUsername(), jdbc.getPassword());
        return new DrillTarget(direct, d, new Access(faults), null);
    }

    private static boolean reachable(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address.getHostString(), address.getPort()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private record Access(ContainerFaults faults) implements ContainerFaultsAccess {
        @Override
        public void pause() {
            faults.pause();
        }

        @Override
        public void unpause() {
            faults.unpause();
        }

        @Override
        public void disconnect() {
            faults.disconnect();
        }

        @Override
        public void reconnect() {
            faults.reconnect();
        }

        @Override
        public void kill() {
            faults.kill();
        }

        @Override
        public void restart() {
            faults.restart();
        }
    }
}

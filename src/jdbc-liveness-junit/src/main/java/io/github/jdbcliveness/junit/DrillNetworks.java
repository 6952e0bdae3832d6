package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.drill.ContainerFaults;
import org.testcontainers.containers.Network;

/**
 * Docker networks for container drills. Put the database container on one before it starts: then the kit can
 * disconnect it from the network and restart it on the same address (Docker keeps an address only on a network
 * with a configured subnet), and the pool connects to the container's own address instead of the published port,
 * whose userland proxy answers keepalives itself and so hides a dead path.
 */
public final class DrillNetworks {

    private DrillNetworks() {
    }

    /**
     * A user-defined bridge network with the given IPv4 {@code subnet}, e.g. {@code "10.213.78.0/24"}. It must not
     * overlap a network this host already routes. Docker creates it when the first container joins it, and
     * {@code close()} removes it.
     */
    public static Network withSubnet(String subnet) {
        return ContainerFaults.network(subnet);
    }
}

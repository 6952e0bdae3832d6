package io.github.jdbcliveness.drill;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.containers.Network;

/**
 * Container-level faults on a started Testcontainers database, through Docker's API (docker-java), without root on
 * the host:
 * <ul>
 *   <li>{@link #pause()}: the freezer cgroup stops every process of the container. Its kernel still ACKs and still
 *       accepts new connections into the listen backlog, but nothing answers: a hung server.</li>
 *   <li>{@link #disconnect()}: the container's interface is removed from its network. The host keeps its route to the
 *       bridge, finds no neighbour for the address and sends nothing on: silence, then "no route to host" for new
 *       connections once neighbour resolution fails. The server and its sockets live on, so {@link #reconnect()}
 *       (same address) lets connections whose retransmissions have not given up resume.</li>
 *   <li>{@link #kill()}: SIGKILL to the container's processes, whose kernel closes their sockets as it tears the
 *       network namespace down; {@link #restart()} starts the container again on the same address (the published host
 *       port may change, the container's own port does not).</li>
 * </ul>
 * The container must be on a network made by {@link #network(String)}: Docker keeps a container's address across a
 * reconnect or restart only when it was asked for explicitly, which needs a network with a configured subnet.
 *
 * <p>Connect to {@link #address()} (or {@link #jdbcUrl(String)}), not to the published port: Docker's userland proxy
 * terminates TCP on the host and answers keepalives itself, so a fault in the container is hidden behind it.
 */
public final class ContainerFaults {

    private final GenericContainer<?> container;
    private final String id;
    private final String networkId;
    private final String ip;
    private final int port;

    private ContainerFaults(GenericContainer<?> container, String networkId, String ip, int port) {
        this.container = container;
        this.id = container.getContainerId();
        this.networkId = networkId;
        this.ip = ip;
        this.port = port;
    }

    /**
     * A user-defined bridge network with the given IPv4 {@code subnet} (e.g. {@code "10.213.77.0/24"}; it must not
     * overlap a network this host already routes). Created on first use by a container, removed by {@code close()}.
     */
    public static Network network(String subnet) {
        Objects.requireNonNull(subnet, "subnet");
        return Network.builder()
                .createNetworkCmdModifier(cmd -> cmd.withIpam(new com.github.dockerjava.api.model.Network.Ipam()
                        .withConfig(new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet(subnet))))
                .build();
    }

    /**
     * Faults for a started {@code container} on {@code network} (from {@link #network(String)}); its database listens
     * on its first exposed port. The address Docker gave it is pinned (disconnect, then connect asking for the same
     * address), so that reconnects and restarts keep it: call this before opening connections.
     */
    public static ContainerFaults of(GenericContainer<?> container, Network network) {
        if (!container.isRunning()) {
            throw new IllegalStateException("the container is not running: start it first");
        }
        String networkId = network.getId();
        ContainerNetwork endpoint = endpoint(inspect(container.getContainerId()), networkId);
        String ip = endpoint.getIpAddress();
        if (ip == null || ip.isEmpty()) {
            throw new IllegalStateException("container " + container.getContainerId() + " has no IPv4 address on "
                    + "network " + networkId);
        }
        int port = container.getExposedPorts().get(0);
        ContainerFaults faults = new ContainerFaults(container, networkId, ip, port);
        if (endpoint.getIpamConfig() == null || !ip.equals(endpoint.getIpamConfig().getIpv4Address())) {
            faults.disconnect();
            try {
                faults.reconnect(); // the same address, now asked for explicitly
            } catch (RuntimeException e) {
                // Never leave it off its network: connect it again, on any address, and say what failed.
                client().connectToNetworkCmd().withNetworkId(networkId).withContainerId(container.getContainerId())
                        .exec();
                throw new IllegalStateException("could not pin " + ip + " on network " + networkId
                        + " (it needs a subnet of its own: ContainerFaults.network(subnet))", e);
            }
        }
        return faults;
    }

    /** The container's own address and the database's port inside it (not the published one). */
    public InetSocketAddress address() {
        return InetSocketAddress.createUnresolved(ip, port);
    }

    /**
     * The container's JDBC URL with the container's own address and port instead of the published ones, and the
     * subprotocol {@code driver} ({@code postgresql}, {@code mariadb}, {@code mysql}).
     */
    public String jdbcUrl(String driver) {
        if (!(container instanceof JdbcDatabaseContainer<?> jdbc)) {
            throw new IllegalStateException(container.getDockerImageName() + " is not a JDBC database container");
        }
        String url = jdbc.getJdbcUrl();
        int hostStart = url.indexOf("://") + 3;
        int pathStart = url.indexOf('/', hostStart);
        return "jdbc:" + driver + "://" + ip + ":" + port + url.substring(pathStart);
    }

    /** Freezes every process in the container (docker pause). */
    public void pause() {
        client().pauseContainerCmd(id).exec();
    }

    /** Thaws what {@link #pause()} froze. */
    public void unpause() {
        client().unpauseContainerCmd(id).exec();
    }

    /** Removes the container from its network; its processes and sockets live on. */
    public void disconnect() {
        client().disconnectFromNetworkCmd().withNetworkId(networkId).withContainerId(id).withForce(true).exec();
    }

    /** Connects the container to its network again, on the address it had. */
    public void reconnect() {
        client().connectToNetworkCmd().withNetworkId(networkId).withContainerId(id)
                .withContainerNetwork(new ContainerNetwork().withIpamConfig(new ContainerNetwork.Ipam()
                        .withIpv4Address(ip)))
                .exec();
    }

    /** SIGKILL to the container: every process of it dies at once, as in a crash of the database host. */
    public void kill() {
        client().killContainerCmd(id).withSignal("KILL").exec();
    }

    /**
     * Starts the container again (after {@link #kill()}), or restarts it if it runs; it keeps its address. Returns
     * when Docker reports it running, not when the database accepts connections.
     */
    public void restart() {
        if (Boolean.TRUE.equals(inspect(id).getState().getRunning())) {
            client().restartContainerCmd(id).exec();
        } else {
            client().startContainerCmd(id).exec();
        }
        String now = endpoint(inspect(id), networkId).getIpAddress();
        if (!ip.equals(now)) {
            throw new IllegalStateException("the container came back on " + now + ", not on " + ip);
        }
    }

    private static InspectContainerResponse inspect(String id) {
        return client().inspectContainerCmd(id).exec();
    }

    private static ContainerNetwork endpoint(InspectContainerResponse inspected, String networkId) {
        Map<String, ContainerNetwork> networks = inspected.getNetworkSettings().getNetworks();
        return networks.values().stream().filter(n -> networkId.equals(n.getNetworkID())).findFirst()
                .orElseThrow(() -> new IllegalStateException("container " + inspected.getId() + " is not on network "
                        + networkId + " but on " + networks.keySet()));
    }

    private static DockerClient client() {
        return DockerClientFactory.instance().client();
    }

    @Override
    public String toString() {
        return "ContainerFaults[" + container.getDockerImageName() + " " + id.substring(0, 12) + " at " + ip + ":"
                + port + "]";
    }
}

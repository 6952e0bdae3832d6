package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.drill.NftFaults;
import io.github.jdbcliveness.drill.ServerProcesses;
import io.github.jdbcliveness.drill.ServerSql;
import io.github.jdbcliveness.drill.TcpRelay;
import java.sql.Connection;
import java.util.List;

/** One small action per layer. Each heals what it did when closed, so a failing test leaves no fault behind. */
final class FaultActions {

    private FaultActions() {
    }

    /** Every packet to and from the server port dropped by an nft table of the drill's own. */
    static final class Kernel implements FaultAction {
        private final int port;
        private NftFaults nft;

        Kernel(int port) {
            this.port = port;
        }

        @Override
        public void inject() {
            if (nft == null) {
                nft = NftFaults.open();
            }
            nft.blackhole(port);
        }

        @Override
        public void heal() {
            if (nft != null) {
                nft.heal();
            }
        }

        @Override
        public String describe() {
            return "every packet to and from port " + port + " dropped (nft table "
                    + (nft == null ? "not yet made" : nft.table()) + ")";
        }

        @Override
        public void close() {
            if (nft != null) {
                nft.close();
            }
        }
    }

    /** SIGSTOP of the server's processes, found again at each injection (PostgreSQL starts backends as it goes). */
    static final class Processes implements FaultAction {
        private final DrillTarget target;
        private List<Long> stopped = List.of();
        private int count;

        Processes(DrillTarget target) {
            this.target = target;
        }

        @Override
        public void inject() throws Exception {
            ServerProcesses.Result r = FaultPlan.processes(target);
            if (!r.found()) {
                throw new IllegalStateException("cannot stop the server: " + r.unavailableReason());
            }
            stopped = r.pids();
            count = stopped.size();
            ServerProcesses.signal("STOP", stopped);
        }

        @Override
        public void heal() throws Exception {
            ServerProcesses.signal("CONT", stopped); // every pid, even after one fails; throws naming the failed
            stopped = List.of();
        }

        @Override
        public String describe() {
            return "SIGSTOP of the server's " + count + " processes (SIGCONT heals)";
        }

        @Override
        public void close() {
            try {
                heal();
            } catch (Exception e) {
                throw new IllegalStateException("the server's processes " + stopped + " may still be stopped", e);
            }
        }
    }

    /** Docker on the database container. */
    static final class Container implements FaultAction {
        private final FaultKind kind;
        private final ContainerFaultsAccess container;
        private boolean injected;

        Container(FaultKind kind, ContainerFaultsAccess container) {
            this.kind = kind;
            this.container = container;
        }

        @Override
        public void inject() throws Exception {
            switch (kind) {
                case HUNG_SERVER -> container.pause();
                case DEAD_PATH -> container.disconnect();
                case CRASH -> container.kill();
            }
            injected = true;
        }

        @Override
        public void heal() throws Exception {
            if (!injected) {
                return;
            }
            injected = false;
            switch (kind) {
                case HUNG_SERVER -> container.unpause();
                case DEAD_PATH -> container.reconnect();
                case CRASH -> container.restart();
            }
        }

        @Override
        public String describe() {
            return switch (kind) {
                case HUNG_SERVER -> "docker pause of the container (unpause heals)";
                case DEAD_PATH -> "the container disconnected from its network (reconnect heals)";
                case CRASH -> "docker kill of the container (a restart heals)";
            };
        }

        @Override
        public void close() {
            try {
                heal();
            } catch (Exception e) {
                throw new IllegalStateException("the container may still be faulted: " + describe(), e);
            }
        }
    }

    /** The server ends every session of the drill's user, as a restart would; it comes back at once. */
    static final class Server implements FaultAction {
        private final DrillTarget target;
        private int ended = -1;

        Server(DrillTarget target) {
            this.target = target;
        }

        @Override
        public void inject() throws Exception {
            try (Connection admin = FaultPlan.connect(target)) {
                ended = ServerSql.of(target.database().kind()).terminateOthers(admin, target.database().username());
            }
        }

        @Override
        public void heal() {
            // nothing to undo: the server never went away
        }

        @Override
        public String describe() {
            return "the server ended every session of " + target.database().username()
                    + (ended < 0 ? "" : " (" + ended + ")");
        }

        @Override
        public void close() {
        }
    }

    /** The drill's relay: frozen (hung), blackholed (dead path) or resetting (crash). */
    static final class Relay implements FaultAction {
        private final FaultKind kind;
        private final TcpRelay relay;

        Relay(FaultKind kind, TcpRelay relay) {
            this.kind = kind;
            this.relay = relay;
        }

        @Override
        public void inject() {
            switch (kind) {
                case HUNG_SERVER -> relay.freeze();
                case DEAD_PATH -> relay.blackhole();
                case CRASH -> relay.reset();
            }
        }

        @Override
        public void heal() {
            relay.heal();
        }

        @Override
        public String describe() {
            return "relay on 127.0.0.1:" + relay.port() + " " + switch (kind) {
                case HUNG_SERVER -> "frozen: holds every byte, its kernel keeps ACKing";
                case DEAD_PATH -> "blackholed: discards every byte both ways";
                case CRASH -> "resetting every connection";
            };
        }

        @Override
        public void close() {
            relay.close();
        }
    }
}

package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.NftFaults;
import io.github.jdbcliveness.drill.ServerProcesses;
import io.github.jdbcliveness.drill.TcpRelay;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the layer a fault is made on: the most real one this environment allows, or the one a test demands, and
 * says why each other one cannot run here.
 */
final class FaultPlan {

    private FaultPlan() {
    }

    /** The layers that can make {@code kind}, the most real first. */
    static List<FaultLayer> layers(FaultKind kind) {
        return switch (kind) {
            case HUNG_SERVER -> List.of(FaultLayer.CONTAINER, FaultLayer.PROCESS, FaultLayer.RELAY);
            case DEAD_PATH -> List.of(FaultLayer.KERNEL, FaultLayer.CONTAINER, FaultLayer.RELAY);
            case CRASH -> List.of(FaultLayer.CONTAINER, FaultLayer.SERVER, FaultLayer.RELAY);
        };
    }

    /** The chosen layer, or every layer's reason it cannot run. */
    record Choice(FaultLayer layer, Map<FaultLayer, String> unavailable) {
        String reasons() {
            StringBuilder s = new StringBuilder();
            unavailable.forEach((l, why) -> s.append(s.length() == 0 ? "" : "; ").append(l).append(": ").append(why));
            return s.toString();
        }
    }

    static Choice choose(FaultKind kind, FaultLayer demanded, DrillTarget target) {
        Map<FaultLayer, String> unavailable = new LinkedHashMap<>();
        List<FaultLayer> candidates = new ArrayList<>(layers(kind));
        if (demanded != null) {
            if (!candidates.contains(demanded)) {
                unavailable.put(demanded, "it cannot make " + kind + " (it makes it with " + candidates + ")");
                return new Choice(null, unavailable);
            }
            candidates = List.of(demanded);
        }
        for (FaultLayer layer : candidates) {
            Optional<String> why = unavailable(layer, target);
            if (why.isEmpty()) {
                return new Choice(layer, unavailable);
            }
            unavailable.put(layer, why.get());
        }
        return new Choice(null, unavailable);
    }

    static Optional<String> unavailable(FaultLayer layer, DrillTarget target) {
        DatabaseTarget db = target.database();
        return switch (layer) {
            case KERNEL -> NftFaults.unavailableReason().or(() -> ServerProcesses.isLoopback(db.host())
                    ? Optional.empty()
                    : Optional.of("the server (" + db.host() + ") is not on loopback"));
            case PROCESS -> {
                if (target.container() != null || target.noContainer() != null) {
                    yield Optional.of("the server runs in a container: its processes are Docker's to stop");
                }
                ServerProcesses.Result r = processes(target);
                yield r.found() ? Optional.empty() : Optional.of(r.unavailableReason());
            }
            case CONTAINER -> target.container() != null ? Optional.empty()
                    : Optional.of(target.noContainer() != null ? target.noContainer()
                            : "the target is not a container");
            case SERVER, RELAY -> Optional.empty();
        };
    }

    /** The action for {@code kind} on {@code layer}; {@code relay} is the drill's relay when the layer is RELAY. */
    static FaultAction action(FaultKind kind, FaultLayer layer, DrillTarget target, TcpRelay relay) {
        return switch (layer) {
            case KERNEL -> new FaultActions.Kernel(target.database().port());
            case PROCESS -> new FaultActions.Processes(target);
            case CONTAINER -> new FaultActions.Container(kind, target.container());
            case SERVER -> new FaultActions.Server(target);
            case RELAY -> new FaultActions.Relay(kind, relay);
        };
    }

    static ServerProcesses.Result processes(DrillTarget target) {
        try (Connection c = connect(target)) {
            return ServerProcesses.find(target.database(), c);
        } catch (SQLException e) {
            return new ServerProcesses.Result(List.of(), "no session to ask the server for its pid ("
                    + e.getMessage() + ")");
        }
    }

    static Connection connect(DrillTarget target) throws SQLException {
        DatabaseTarget db = target.database();
        return DriverManager.getConnection(db.jdbcUrl(target.driver()), db.credentials());
    }
}

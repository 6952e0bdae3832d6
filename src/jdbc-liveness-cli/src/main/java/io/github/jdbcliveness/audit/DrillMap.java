package io.github.jdbcliveness.audit;

import java.util.Optional;

/**
 * Which drill shows a row, and whether it can run here: the audit never promises what no drill can show, and says
 * so where a drill cannot run on this machine.
 */
final class DrillMap {

    private DrillMap() {
    }

    static String drill(Mode mode, Mode.State state, Optional<String> kernelFaults) {
        boolean idle = state == Mode.State.IDLE;
        return switch (mode) {
            case NAT_EVICTION -> kernel(idle ? "`drill idle` (D1, IdleFlowsEvictedIT)"
                    : "`drill in-flight` (InFlightDrillIT)", kernelFaults);
            case DEAD_ROUTE -> kernel(idle ? "HostDownIT (D5)" : "`drill in-flight` (InFlightDrillIT)", kernelFaults);
            case HUNG_SERVER -> idle ? "`drill hung` (a relay in this JVM, no root needed); HungPeerIT (D3, root)"
                    : "`drill hung` (a relay in this JVM, no root needed); HungServerInFlightIT (root)";
            case SERVER_KILL -> idle ? "ServerKillIT (D4), ServerClosedIT"
                    : "not drilled: the server's FIN or RST reaches the waiting read at once";
            case DEAD_PATH_REQUEST -> kernel("InflightWatchdogIT (D8)", kernelFaults);
            case LONG_QUERY -> "InflightWatchdogIT (D9)";
            case FAILOVER -> "PromotionIT (PostgreSQL streaming replication), MariaDbFailoverIT (a relay as the "
                    + "virtual IP)";
        };
    }

    private static String kernel(String drill, Optional<String> kernelFaults) {
        return kernelFaults.map(why -> drill + ": cannot be drilled here (" + why + ")").orElse(drill);
    }
}

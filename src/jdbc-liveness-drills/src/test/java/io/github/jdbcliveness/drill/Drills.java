package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.provider.Arguments;

/** What drills share: which server/driver pairs they run on, and the rule that CI never skips a kernel drill. */
final class Drills {

    private Drills() {
    }

    /** Server kind and JDBC driver: PostgreSQL with pgjdbc; MariaDB with Connector/J and with MariaDB's own. */
    static Stream<Arguments> serversAndDrivers() {
        return Stream.of(Arguments.of(DatabaseTarget.Kind.POSTGRESQL, "postgresql"),
                Arguments.of(DatabaseTarget.Kind.MYSQL, "mysql"),
                Arguments.of(DatabaseTarget.Kind.MYSQL, "mariadb"));
    }

    /**
     * Skips the calling test when kernel faults cannot run here, with the reason; fails it instead when
     * {@code JDBCLIVENESS_REQUIRE_FAULTS=true} (CI sets it), so that a drill cannot pass by not running.
     */
    static void requireKernelFaults() {
        NftFaults.unavailableReason().ifPresent(Drills::skipOrFail);
    }

    static void requireTool(boolean available, String reason) {
        if (!available) {
            skipOrFail(reason);
        }
    }

    private static void skipOrFail(String reason) {
        if (Boolean.parseBoolean(System.getenv("JDBCLIVENESS_REQUIRE_FAULTS"))) {
            fail("JDBCLIVENESS_REQUIRE_FAULTS=true but this drill cannot run: " + reason);
        }
        Assumptions.abort(reason);
    }
}

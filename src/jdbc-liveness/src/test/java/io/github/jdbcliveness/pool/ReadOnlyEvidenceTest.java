package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.SQLExceptionOverride.Override;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Only the server's own read-only refusals are evidence; the application's read-only transaction is not. */
class ReadOnlyEvidenceTest {

    private final ReadOnlyEvidence evidence = new ReadOnlyEvidence(null, "primary (requiredRole primary)");

    @Test
    void serverReadOnlyRefusals_mustEvict() {
        assertEquals(Override.MUST_EVICT, evidence.adjudicate(new SQLException(
                "The MariaDB server is running with the --read-only option so it cannot execute this statement",
                "HY000", 1290)));
        assertEquals(Override.MUST_EVICT, evidence.adjudicate(new SQLException(
                "The MySQL server is running with the --super-read-only option", "HY000", 1290)));
        assertEquals(Override.MUST_EVICT, evidence.adjudicate(new SQLException("Running in read-only mode", "HY000",
                1836)));
    }

    @Test
    void theApplicationsOwnReadOnlyTransaction_andOtherErrors_areLeftToHikari() {
        assertEquals(Override.CONTINUE_EVICT, evidence.adjudicate(new SQLException(
                "Cannot execute statement in a READ ONLY transaction.", "25006", 1792)));
        assertEquals(Override.CONTINUE_EVICT, evidence.adjudicate(new SQLException(
                "The MariaDB server is running with the --skip-grant-tables option", "HY000", 1290)));
        assertEquals(Override.CONTINUE_EVICT, evidence.adjudicate(new SQLException("Duplicate entry", "23000", 1062)));
    }
}

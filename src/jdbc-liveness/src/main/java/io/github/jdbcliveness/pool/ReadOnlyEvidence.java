package io.github.jdbcliveness.pool;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.Locale;

/**
 * A write refused because the MySQL-protocol server is read-only is evidence that the server is in the wrong role,
 * for a pool that needs a primary: HikariCP evicts that connection when its borrower returns it, instead of handing
 * it out again (a busy thread keeps drawing the same connection, which a heartbeat then never finds idle). Installed
 * as HikariCP's {@code exceptionOverride} only for such a pool, and only when the application set none.
 *
 * <p>Only the server's own read-only refusals count: error 1290 naming the {@code read-only} option, and 1836
 * ({@code ER_READ_ONLY_MODE}). A write inside the application's own {@code START TRANSACTION READ ONLY} fails with
 * 1792 (SQLState 25006) and is left alone, as is every other error.
 */
final class ReadOnlyEvidence implements SQLExceptionOverride {

    private static final int OPTION_PREVENTS_STATEMENT = 1290;
    private static final int READ_ONLY_MODE = 1836;

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        return serverIsReadOnly(e) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
    }

    static boolean serverIsReadOnly(SQLException e) {
        for (SQLException c = e; c != null; c = c.getNextException()) {
            String message = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (c.getErrorCode() == READ_ONLY_MODE || c.getErrorCode() == OPTION_PREVENTS_STATEMENT
                    && (message.contains("read-only") || message.contains("read_only"))) {
                return true;
            }
        }
        return false;
    }
}

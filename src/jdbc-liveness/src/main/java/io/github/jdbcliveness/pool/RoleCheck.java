package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.keepalive.DriverKind;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The role a pool needs of its server, and the check of it that every probe makes after its round trip, with no
 * round trip of its own. After a failover the old primary often stays up and answers every probe, as a standby or
 * read-only: a pool that asked for a primary must leave it, and refill from where its URL leads now.
 *
 * <p>The role comes from the driver's own setting: pgjdbc's {@code targetServerType} ({@code primary} or
 * {@code master}: a primary; {@code secondary}: a standby; {@code any}, {@code preferPrimary},
 * {@code preferSecondary} or none: any role, and nothing is checked). PostgreSQL 14+ reports {@code in_hot_standby}
 * and {@code default_transaction_read_only} to the client by itself whenever they change, at the end of the next
 * statement (the probe's); the check reads what pgjdbc holds. On an older server neither is reported, and the
 * check passes.
 */
final class RoleCheck {

    enum Role { ANY, PRIMARY, STANDBY }

    static final RoleCheck ANY = new RoleCheck(Role.ANY, null);

    private final Role role;
    /** Where the role came from, for the start line and the stats. */
    private final String source;

    private RoleCheck(Role role, String source) {
        this.role = role;
        this.source = source;
    }

    static RoleCheck of(KeepaliveConnector connector) {
        if (connector.driverKind() != DriverKind.PGJDBC) {
            return ANY;
        }
        String target = connector.driverSetting("targetServerType");
        if (target == null) {
            return ANY;
        }
        Role role = switch (target.toLowerCase(Locale.ROOT)) {
            case "primary", "master" -> Role.PRIMARY;
            case "secondary" -> Role.STANDBY;
            default -> Role.ANY;
        };
        return role == Role.ANY ? ANY : new RoleCheck(role, "pgjdbc targetServerType=" + target);
    }

    Role role() {
        return role;
    }

    /** {@code primary (pgjdbc targetServerType=primary)}, or null when any role will do. */
    String describe() {
        return role == Role.ANY ? null : role.name().toLowerCase(Locale.ROOT) + " (" + source + ")";
    }

    /**
     * Why the server behind {@code physical} is not in the role needed, or null when it is, or cannot tell. Called
     * right after a round trip, whose answer carried any change.
     */
    String wrongRole(Connection physical) throws SQLException {
        if (role == Role.ANY) {
            return null;
        }
        String standby = PgReported.get(physical, "in_hot_standby");
        if (role == Role.STANDBY) {
            return "off".equals(standby) ? "the server is a primary (in_hot_standby = off); the pool needs a standby ("
                    + source + ")" : null;
        }
        if ("on".equals(standby)) {
            return "the server is a standby (in_hot_standby = on); the pool needs a primary (" + source + ")";
        }
        if ("on".equals(PgReported.get(physical, "default_transaction_read_only"))) {
            return "the server is read-only (default_transaction_read_only = on); the pool needs a primary ("
                    + source + ")";
        }
        return null;
    }

    /** pgjdbc's record of what the server reported; its own class, so that pgjdbc is loaded only for pgjdbc. */
    private static final class PgReported {
        static String get(Connection physical, String name) throws SQLException {
            return physical.unwrap(org.postgresql.PGConnection.class).getParameterStatus(name);
        }
    }
}

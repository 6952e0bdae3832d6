package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.ServerRole;
import io.github.jdbcliveness.keepalive.DriverKind;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;

/**
 * The role a pool needs of its server, and the check of it that every probe makes within its own round trip. After
 * a failover the old primary often stays up and answers every probe, as a standby or read-only: a pool that needs a
 * primary must leave it, and refill from where its URL leads now.
 *
 * <p>The role is {@code requiredRole} when set, else the driver's own setting: pgjdbc's {@code targetServerType}
 * ({@code primary} or {@code master}: a primary; {@code secondary}: a standby; {@code any}, {@code preferPrimary},
 * {@code preferSecondary} or none: any role, and nothing is checked). How it is read:
 * <ul>
 *   <li>PostgreSQL 14+ reports {@code in_hot_standby} and {@code default_transaction_read_only} to the client by
 *       itself whenever they change, at the end of the next statement (the probe's): the check reads what pgjdbc
 *       holds, with no round trip. An older server reports neither, and the check passes.</li>
 *   <li>The MySQL protocol reports nothing: the probe asks {@code SELECT @@global.read_only} instead of its ping,
 *       one round trip as before.</li>
 * </ul>
 */
final class RoleCheck {

    static final RoleCheck ANY = new RoleCheck(ServerRole.ANY, null, null);

    private static final String READ_ONLY = "SELECT @@global.read_only";

    private final ServerRole role;
    /** Where the role came from, for the start line and the eviction's reason. */
    private final String source;
    private final DriverKind kind;

    /** Use {@link #of}; a test gives the stub driver a role check of the MySQL protocol's kind. */
    RoleCheck(ServerRole role, String source, DriverKind kind) {
        this.role = role;
        this.source = source;
        this.kind = kind;
    }

    /**
     * @throws IllegalArgumentException when {@code configured} contradicts the driver's own setting, or names a role
     *                                  on a driver whose server role jdbc-liveness cannot read
     */
    static RoleCheck of(KeepaliveConnector connector, Optional<ServerRole> configured) {
        ServerRole fromDriver = ServerRole.ANY;
        String driverSource = null;
        if (connector.driverKind() == DriverKind.PGJDBC) {
            String target = connector.driverSetting("targetServerType");
            if (target != null) {
                fromDriver = switch (target.toLowerCase(Locale.ROOT)) {
                    case "primary", "master" -> ServerRole.PRIMARY;
                    case "secondary" -> ServerRole.STANDBY;
                    default -> ServerRole.ANY;
                };
                driverSource = "pgjdbc targetServerType=" + target;
            }
        }
        ServerRole role = fromDriver;
        String source = driverSource;
        if (configured.isPresent()) {
            ServerRole wanted = configured.get();
            if (wanted != ServerRole.ANY && fromDriver != ServerRole.ANY && wanted != fromDriver) {
                throw new IllegalArgumentException("requiredRole (" + name(wanted) + ") contradicts the driver's "
                        + driverSource + ": set one of them");
            }
            role = wanted;
            source = "requiredRole " + name(wanted);
        }
        if (role == ServerRole.ANY) {
            return ANY;
        }
        if (connector.driverKind() == null) {
            throw new IllegalArgumentException("requiredRole (" + name(role) + ") needs a driver whose server role "
                    + "jdbc-liveness reads (" + KeepaliveConnector.SUPPORTED + "); the driver is "
                    + connector.driverClassName());
        }
        return new RoleCheck(role, source, connector.driverKind());
    }

    private static String name(ServerRole role) {
        return role.name().toLowerCase(Locale.ROOT);
    }

    ServerRole role() {
        return role;
    }

    /** {@code primary (pgjdbc targetServerType=primary)}, or null when any role will do. */
    String describe() {
        return role == ServerRole.ANY ? null : name(role) + " (" + source + ")";
    }

    /**
     * Whether the role is known without a round trip (PostgreSQL reports it): then every borrow looks too, as it
     * looks at the socket, since a busy connection is seldom idle when the heartbeat comes round.
     */
    boolean readsWithoutQuery() {
        return role != ServerRole.ANY && kind == DriverKind.PGJDBC;
    }

    /**
     * Whether a write refused because the server is read-only proves the role wrong: a pool that needs a primary on
     * the MySQL protocol, whose role no borrow can see without a round trip ({@link ReadOnlyEvidence}).
     */
    boolean refusalsAreEvidence() {
        return role == ServerRole.PRIMARY && kind != DriverKind.PGJDBC;
    }

    /** Whether the role is read with a statement (the MySQL protocol): the probe then sends it instead of a ping. */
    boolean asksByQuery() {
        return role != ServerRole.ANY && kind != DriverKind.PGJDBC;
    }

    /**
     * Why the server behind {@code physical} is not in the role needed, or null when it is, or cannot tell. Called
     * right after the probe's statement on PostgreSQL (whose answer carried any change); on the MySQL protocol it
     * asks on {@code statement}.
     */
    String wrongRole(Connection physical, Statement statement) throws SQLException {
        if (role == ServerRole.ANY) {
            return null;
        }
        if (kind != DriverKind.PGJDBC) {
            try (ResultSet rs = statement.executeQuery(READ_ONLY)) {
                boolean readOnly = rs.next() && rs.getInt(1) != 0;
                if (role == ServerRole.PRIMARY && readOnly) {
                    return "the server is read-only (read_only = ON); the pool needs a primary (" + source + ")";
                }
                return role == ServerRole.STANDBY && !readOnly
                        ? "the server is writable (read_only = OFF); the pool needs a standby (" + source + ")" : null;
            }
        }
        String standby = PgReported.get(physical, "in_hot_standby");
        if (role == ServerRole.STANDBY) {
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

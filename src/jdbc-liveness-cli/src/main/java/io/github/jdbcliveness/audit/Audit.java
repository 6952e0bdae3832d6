package io.github.jdbcliveness.audit;

import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.KeepaliveDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.drill.NftFaults;
import io.github.jdbcliveness.keepalive.JdbcUrls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * Connects once through a keepalive-tuned socket (no fault injected), reads back what the kernel applied and what
 * the server is set to, and hands it all to {@link AuditModel}.
 */
public final class Audit {

    private Audit() {
    }

    /**
     * @param properties the driver's connection properties (user, password, anything else); not modified
     * @param pool       the HikariCP settings plain HikariCP would run with
     */
    public static AuditTable run(String jdbcUrl, Properties properties, LivenessConfig config, PoolSettings pool)
            throws SQLException {
        KeepaliveDataSource ds = KeepaliveDataSource.create(jdbcUrl, properties, config.keepalive());
        Optional<AppliedKeepalive> applied;
        ServerSettings server;
        try (Connection c = ds.getConnection()) {
            applied = ds.applied(c);
            server = ServerReader.read(c);
        }
        Optional<Duration> middlebox = config.middleboxIdleTimeout();
        return AuditModel.predict(new AuditInputs(JdbcUrls.redact(jdbcUrl), config, middlebox, pool, server, applied,
                KernelDefaults.read(), Files.isReadable(Path.of("/proc/net/tcp")), NftFaults.unavailableReason()));
    }
}

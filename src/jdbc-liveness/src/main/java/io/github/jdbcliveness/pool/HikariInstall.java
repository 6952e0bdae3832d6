package io.github.jdbcliveness.pool;

import com.zaxxer.hikari.HikariConfig;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.ServerRole;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs jdbc-liveness into a {@link HikariConfig} before its pool starts: HikariCP opens its physical connections
 * through our data source and runs its housekeeping on our executor, and its {@code connectionTestQuery} becomes the
 * probe's statement. Every setting is honoured or refused, never silently dropped: the decisions are made on the
 * values HikariCP will use ({@link HikariTimers}), and a pool taken over unstarted ({@code wrap()}) is checked again
 * right before it starts, for settings changed in between.
 */
public final class HikariInstall {

    private static final Logger LOG = LoggerFactory.getLogger(HikariInstall.class);

    private final PoolBinding binding;
    private final String jdbcUrl;
    private final String driverClassName;
    private final Properties dataSourceProperties;
    private final DataSource dataSource;
    private final ScheduledExecutorService housekeeping;

    private HikariInstall(PoolBinding binding, HikariConfig target) {
        this.binding = binding;
        this.jdbcUrl = target.getJdbcUrl();
        this.driverClassName = target.getDriverClassName();
        this.dataSourceProperties = copy(target.getDataSourceProperties());
        this.dataSource = target.getDataSource();
        this.housekeeping = target.getScheduledExecutor();
    }

    /**
     * @throws IllegalArgumentException for a configuration jdbc-liveness cannot work with, naming the setting; thrown
     *                                  before anything is set on {@code target}
     */
    public static HikariInstall install(HikariConfig target, LivenessConfig config) {
        return install(target, config, RoleCheck::of);
    }

    /** @param roleOf the role check for the driver and the configured role (a test gives the stub driver one) */
    static HikariInstall install(HikariConfig target, LivenessConfig config,
            BiFunction<KeepaliveConnector, Optional<ServerRole>, RoleCheck> roleOf) {
        // Every refusal comes before the first change: for wrap() the target is the user's own pool, which a refused
        // start must leave as it was.
        if (target.getDataSource() != null) {
            throw new IllegalArgumentException("HikariConfig.dataSource (" + target.getDataSource().getClass().getName()
                    + ") is already set; jdbc-liveness needs the jdbcUrl form to open physical connections itself");
        }
        if (target.getDataSourceClassName() != null) {
            throw new IllegalArgumentException("HikariConfig.dataSourceClassName (" + target.getDataSourceClassName()
                    + ") is set; jdbc-liveness needs the jdbcUrl form to open physical connections itself");
        }
        if (target.getJdbcUrl() == null) {
            throw new IllegalArgumentException("HikariConfig.jdbcUrl is not set");
        }
        if (target.getScheduledExecutor() != null) {
            throw new IllegalArgumentException("HikariConfig.scheduledExecutor (" + target.getScheduledExecutor()
                    .getClass().getName() + ") is set; jdbc-liveness runs HikariCP's housekeeping on an executor of "
                    + "its own (it evicts dead connections through HikariCP's own per-connection tasks): remove it");
        }
        String validationQuery = probeStatement(target, config);
        KeepaliveConnector connector = KeepaliveConnector.create(target.getJdbcUrl(), target.getDataSourceProperties(),
                target.getDriverClassName(), config.keepaliveEnabled() ? config.keepalive() : null,
                config.connectTimeout());
        if (connector.driverKind() == null) {
            refuseDemandedLayers(config, connector);
        }
        RoleCheck roleCheck = roleOf.apply(connector, config.requiredRole());

        if (target.getConnectionTestQuery() != null) {
            target.setConnectionTestQuery(null); // the probe's statement now, see probeStatement
        }
        if (target.getPoolName() == null) {
            target.validate(); // names the pool; HikariCP validates again when it starts
        }
        if (target.getConnectionTimeout() > config.detectionBudget().toMillis()) {
            LOG.warn("{} - connectionTimeout ({} ms) is longer than detectionBudget ({}): while the database cannot be "
                    + "reached, a borrower may wait that long for a new connection; set connectionTimeout below the "
                    + "budget for requests that never wait longer than it", target.getPoolName(),
                    target.getConnectionTimeout(), config.detectionBudget());
        }
        HikariTimers timers = ensureTaskPerConnection(target);
        PoolBinding binding = new PoolBinding(target.getPoolName(), config, connector, roleCheck, validationQuery);
        if (roleCheck.refusalsAreEvidence() && target.getExceptionOverride() == null
                && target.getExceptionOverrideClassName() == null) {
            target.setExceptionOverride(binding.readOnlyEvidence());
        }
        target.setDataSource(binding.dataSource());
        target.setScheduledExecutor(binding.housekeeping(target.getThreadFactory(), timers.keepaliveScheduled()));
        return new HikariInstall(binding, target);
    }

    public PoolBinding binding() {
        return binding;
    }

    /**
     * Checks a pool taken over unstarted right before it starts, for settings changed since it was taken over:
     * {@code maxLifetime} and {@code keepaliveTime} are decided on again; a change jdbc-liveness cannot follow (the
     * URL, the driver, its properties, the data source, the housekeeping executor, a {@code connectionTestQuery})
     * is refused, naming the setting and both values.
     */
    public void beforeStart(HikariConfig target) throws SQLException {
        List<String> refused = new ArrayList<>();
        changed(refused, "jdbcUrl", jdbcUrl, target.getJdbcUrl());
        changed(refused, "driverClassName", driverClassName, target.getDriverClassName());
        changed(refused, "dataSourceProperties", dataSourceProperties, copy(target.getDataSourceProperties()));
        if (target.getDataSource() != dataSource) {
            refused.add("dataSource (now " + describe(target.getDataSource()) + ")");
        }
        if (target.getDataSourceClassName() != null) {
            refused.add("dataSourceClassName (now " + target.getDataSourceClassName() + ")");
        }
        if (target.getScheduledExecutor() != housekeeping) {
            refused.add("scheduledExecutor (now " + describe(target.getScheduledExecutor()) + ")");
        }
        if (target.getConnectionTestQuery() != null) {
            refused.add("connectionTestQuery (now " + target.getConnectionTestQuery() + "; set it before wrap(), or "
                    + "use LivenessConfig.validationQuery)");
        }
        if (!refused.isEmpty()) {
            throw new SQLException(binding.poolName() + " - settings changed on the HikariDataSource after "
                    + "LivenessDataSource.wrap() that jdbc-liveness cannot follow: " + String.join("; ", refused)
                    + ". Make every change before wrap()");
        }
        binding.keepaliveScheduled(ensureTaskPerConnection(target).keepaliveScheduled());
    }

    /**
     * jdbc-liveness evicts through the task HikariCP schedules per connection; with neither {@code maxLifetime} nor
     * {@code keepaliveTime} in effect there would be none, so {@code keepaliveTime} goes to HikariCP's 30 s floor
     * (HikariCP then asks jdbc-liveness, which answers without a round trip).
     */
    private static HikariTimers ensureTaskPerConnection(HikariConfig target) {
        HikariTimers timers = HikariTimers.effective(target.getMaxLifetime(), target.getKeepaliveTime());
        if (timers.schedulesTaskPerConnection()) {
            return timers;
        }
        LOG.info("{} - maxLifetime ({} ms) and keepaliveTime ({} ms) leave HikariCP no task per connection{}: "
                + "jdbc-liveness sets keepaliveTime to {} ms, the task it evicts dead connections through (HikariCP "
                + "then asks jdbc-liveness, which answers without a round trip)", target.getPoolName(),
                target.getMaxLifetime(), target.getKeepaliveTime(), target.getKeepaliveTime() != 0
                        ? " (HikariCP disables a keepaliveTime under " + HikariTimers.FLOOR_MS + " ms)" : "",
                HikariTimers.FLOOR_MS);
        target.setKeepaliveTime(HikariTimers.FLOOR_MS);
        return HikariTimers.effective(target.getMaxLifetime(), target.getKeepaliveTime());
    }

    /**
     * Any driver starts; but a layer that needs the driver's socket, asked for explicitly, is a demand this driver
     * cannot meet, and running without it would be the silent downgrade the user ruled out by asking.
     */
    private static void refuseDemandedLayers(LivenessConfig config, KeepaliveConnector connector) {
        String asked = config.keepaliveRequired()
                ? "keepaliveEnabled (true) is set explicitly"
                : config.watchdogRequired() ? "watchdogEnabled (true) is set explicitly" : null;
        if (asked != null) {
            throw new IllegalArgumentException(asked + ", but jdbc-liveness sees the sockets of "
                    + KeepaliveConnector.SUPPORTED + " only, and the driver for " + connector.redactedUrl() + " is "
                    + connector.driverClassName() + ". Leave it unset to run without keepalive, the watchdog and the "
                    + "borrow-time socket check (heartbeats, eviction and the host verdict still work), or use a "
                    + "driver whose sockets jdbc-liveness sees");
        }
    }

    /**
     * The probe's statement. HikariCP's {@code connectionTestQuery} would run on connections the heartbeat may be
     * probing at that moment, so it becomes the probe's statement instead and HikariCP asks {@code isValid}, which
     * jdbc-liveness answers from what it knows. Decided here; {@link #install} takes it off HikariCP's configuration.
     */
    private static String probeStatement(HikariConfig target, LivenessConfig config) {
        String hikariQuery = target.getConnectionTestQuery();
        String ours = config.validationQuery().orElse(null);
        if (hikariQuery == null) {
            return ours;
        }
        if (ours != null && !ours.equals(hikariQuery)) {
            throw new IllegalArgumentException("HikariConfig.connectionTestQuery (" + hikariQuery + ") and "
                    + "LivenessConfig.validationQuery (" + ours + ") differ; jdbc-liveness probes with one statement: "
                    + "set one of them");
        }
        return hikariQuery;
    }

    private static void changed(List<String> refused, String setting, Object was, Object now) {
        if (!Objects.equals(was, now)) {
            refused.add(setting + " (" + was + " when wrapped, now " + now + ")");
        }
    }

    private static String describe(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }

    private static Properties copy(Properties p) {
        Properties c = new Properties();
        if (p != null) {
            c.putAll(p);
        }
        return c;
    }
}

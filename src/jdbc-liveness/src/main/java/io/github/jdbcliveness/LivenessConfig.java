package io.github.jdbcliveness;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What jdbc-liveness promises, as one number: the <b>detection budget</b> B. Every other setting is derived
 * from it (see the README) and may be overridden; {@link Builder#build()} rejects inconsistent sets with a
 * message that names the settings and their values.
 */
public final class LivenessConfig {

    /** Default detection budget. */
    public static final Duration DEFAULT_DETECTION_BUDGET = Duration.ofSeconds(30);
    /** The largest budget accepted; beyond a day the promise means little and the kernel bounds bite. */
    public static final Duration MAX_DETECTION_BUDGET = Duration.ofHours(24);
    public static final Duration MIN_HEARTBEAT_INTERVAL = Duration.ofMillis(10);
    public static final Duration MIN_PROBE_TIMEOUT = Duration.ofMillis(50);
    public static final Duration MAX_PROBE_TIMEOUT = Duration.ofSeconds(60);
    /** The derived probe timeout never exceeds this (HikariCP's validationTimeout default). */
    public static final Duration DERIVED_PROBE_TIMEOUT_CAP = Duration.ofSeconds(5);
    public static final Duration MIN_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMinutes(10);
    /** The derived connect timeout never exceeds this. */
    public static final Duration DERIVED_CONNECT_TIMEOUT_CAP = Duration.ofSeconds(10);

    private final Duration detectionBudget;
    private final KeepaliveSettings keepalive;
    private final boolean keepaliveEnabled;
    private final boolean keepaliveRequired;
    private final Duration middleboxIdleTimeout;
    private final Duration heartbeatInterval;
    private final Duration probeTimeout;
    private final Duration connectTimeout;
    private final String validationQuery;
    private final boolean watchdogEnabled;
    private final boolean watchdogRequired;
    private final Duration watchdogInterval;
    private final Duration unacknowledgedTimeout;
    private final boolean validateOnBorrow;
    private final ServerRole requiredRole;

    public static final Duration MIN_WATCHDOG_INTERVAL = Duration.ofMillis(50);
    public static final Duration MIN_UNACKNOWLEDGED_TIMEOUT = Duration.ofMillis(200);

    private LivenessConfig(Builder b) {
        this.detectionBudget = b.detectionBudget;
        this.keepaliveEnabled = b.keepaliveEnabled != Boolean.FALSE;
        this.keepaliveRequired = b.keepaliveEnabled == Boolean.TRUE;
        this.keepalive = b.keepalive != null ? b.keepalive : KeepaliveSettings.forBudget(b.detectionBudget);
        this.middleboxIdleTimeout = b.middleboxIdleTimeout;
        this.heartbeatInterval = b.heartbeatInterval != null ? b.heartbeatInterval : b.detectionBudget.dividedBy(3);
        this.probeTimeout = b.probeTimeout != null ? b.probeTimeout
                : min(b.detectionBudget.dividedBy(6), DERIVED_PROBE_TIMEOUT_CAP);
        // Whole seconds (pgjdbc takes seconds), rounded down: rounded up, B = 4 s put the host verdict at 4.33 s.
        this.connectTimeout = b.connectTimeout != null ? b.connectTimeout
                : wholeSecondsDown(min(max(b.detectionBudget.dividedBy(3), MIN_CONNECT_TIMEOUT),
                        DERIVED_CONNECT_TIMEOUT_CAP));
        this.validationQuery = b.validationQuery;
        this.watchdogEnabled = b.watchdogEnabled != Boolean.FALSE;
        this.watchdogRequired = b.watchdogEnabled == Boolean.TRUE;
        this.watchdogInterval = b.watchdogInterval != null ? b.watchdogInterval
                : max(b.detectionBudget.dividedBy(12), MIN_WATCHDOG_INTERVAL);
        this.unacknowledgedTimeout = b.unacknowledgedTimeout != null ? b.unacknowledgedTimeout
                : max(b.detectionBudget.dividedBy(6), MIN_UNACKNOWLEDGED_TIMEOUT);
        this.validateOnBorrow = b.validateOnBorrow;
        this.requiredRole = b.requiredRole;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration wholeSecondsDown(Duration d) {
        return Duration.ofSeconds(d.getSeconds());
    }

    /** How long each path takes at worst with these settings: what {@link Builder#build()} checks against B. */
    public WorstCases worstCases() {
        return WorstCases.of(heartbeatInterval, probeTimeout, connectTimeout, watchdogInterval, unacknowledgedTimeout);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A config with every default: B = 30 s. */
    public static LivenessConfig defaults() {
        return builder().build();
    }

    public Duration detectionBudget() {
        return detectionBudget;
    }

    /** The per-socket keepalive in force: explicit, or derived from the budget. */
    public KeepaliveSettings keepalive() {
        return keepalive;
    }

    /**
     * Whether sockets get tuned keepalive: true unless switched off. On a driver whose sockets jdbc-liveness cannot
     * see (anything but pgjdbc, MySQL Connector/J and MariaDB Connector/J) it is then off all the same, and said so
     * in the stats, unless {@link #keepaliveRequired()}.
     */
    public boolean keepaliveEnabled() {
        return keepaliveEnabled;
    }

    /**
     * Whether keepalive was asked for explicitly ({@code keepaliveEnabled(true)}): a pool on a driver whose sockets
     * jdbc-liveness cannot tune then fails to start rather than run without it. False with the defaults, so any JDBC
     * driver starts. Keepalive values alone are no demand: a configuration shared by a production database and an
     * in-memory one in tests must start on both (the stats and the start's log line say keepalive is off).
     */
    public boolean keepaliveRequired() {
        return keepaliveRequired;
    }

    /** How often an idle pooled connection is probed (default B / 3). */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** How long a probe may take before the connection counts as dead (default min(B / 6, 5 s)). */
    public Duration probeTimeout() {
        return probeTimeout;
    }

    /**
     * The driver's TCP connect timeout for new physical connections (default B / 3 rounded up to whole seconds,
     * between 1 s and 10 s), so a refill during an outage gives up and retries instead of hanging in SYN
     * retransmission. A value the user set on the driver wins.
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Whether leased connections are watched for requests stuck in a dead path (Linux {@code /proc/net/tcp}): true
     * unless switched off. Off all the same on a driver whose sockets jdbc-liveness cannot see, unless
     * {@link #watchdogRequired()}.
     */
    public boolean watchdogEnabled() {
        return watchdogEnabled;
    }

    /**
     * Whether the watchdog was asked for explicitly ({@code watchdogEnabled(true)}): a pool on a driver whose sockets
     * jdbc-liveness cannot see then fails to start. False with the defaults; its interval or timeout alone is no
     * demand.
     */
    public boolean watchdogRequired() {
        return watchdogRequired;
    }

    /**
     * How often the watchdog looks at leased connections (default B / 12, at least 50 ms). A lease younger than one
     * interval is never looked at, so short requests cost nothing.
     */
    public Duration watchdogInterval() {
        return watchdogInterval;
    }

    /**
     * How long a leased connection's sent bytes may stay unacknowledged, under the kernel's retransmit timer,
     * before the watchdog aborts it (default B / 6, at least 200 ms). A request the server acknowledged is never touched, however
     * long the query runs.
     */
    public Duration unacknowledgedTimeout() {
        return unacknowledgedTimeout;
    }

    /**
     * Whether every borrow is validated with a probe before it is handed out (default off). Costs a round trip per
     * borrow; in exchange no request is handed a connection whose path died since its last probe.
     */
    public boolean validateOnBorrow() {
        return validateOnBorrow;
    }

    /**
     * The server role the pool needs, when one was set ({@link Builder#requiredRole}); empty: the driver's own setting
     * decides (pgjdbc's {@code targetServerType}), and without one any role will do.
     */
    public Optional<ServerRole> requiredRole() {
        return Optional.ofNullable(requiredRole);
    }

    /** The probe's statement, or empty for the driver's {@code isValid} (pgjdbc: empty query; MySQL: COM_PING). */
    public Optional<String> validationQuery() {
        return Optional.ofNullable(validationQuery);
    }

    /** The idle timeout of a NAT, firewall or load balancer on the path, if one was declared. */
    public Optional<Duration> middleboxIdleTimeout() {
        return Optional.ofNullable(middleboxIdleTimeout);
    }

    @Override
    public String toString() {
        return "LivenessConfig{detectionBudget=" + Durations.format(detectionBudget) + ", heartbeatInterval="
                + Durations.format(heartbeatInterval) + ", probeTimeout=" + Durations.format(probeTimeout)
                + ", connectTimeout=" + Durations.format(connectTimeout)
                + ", keepalive=" + (keepaliveEnabled ? keepalive : "off")
                + middleboxIdleTimeout().map(m -> ", middleboxIdleTimeout=" + Durations.format(m)).orElse("")
                + validationQuery().map(q -> ", validationQuery=" + q).orElse("")
                + ", watchdog=" + (watchdogEnabled ? Durations.format(watchdogInterval) + "/"
                        + Durations.format(unacknowledgedTimeout) : "off")
                + (validateOnBorrow ? ", validateOnBorrow" : "")
                + requiredRole().map(r -> ", requiredRole=" + r).orElse("") + "}";
    }

    /** Validating builder; nothing is checked until {@link #build()}, which checks everything. */
    public static final class Builder {
        private Duration detectionBudget = DEFAULT_DETECTION_BUDGET;
        private KeepaliveSettings keepalive;
        private Duration middleboxIdleTimeout;
        private Duration heartbeatInterval;
        private Duration probeTimeout;
        private Duration connectTimeout;
        private String validationQuery;
        /** null: the default (on where the driver allows it); set: asked for explicitly. */
        private Boolean keepaliveEnabled;
        private Boolean watchdogEnabled;
        private Duration watchdogInterval;
        private Duration unacknowledgedTimeout;
        private boolean validateOnBorrow;
        private ServerRole requiredRole;

        private Builder() {
        }

        /**
         * The server role the pool needs (default: the driver's own setting, pgjdbc's {@code targetServerType},
         * else any). {@code PRIMARY} or {@code STANDBY}: every probe checks it, with no round trip of its own on
         * PostgreSQL 14+ (which reports its role to the client) and within the probe's one round trip on the MySQL
         * protocol ({@code SELECT @@global.read_only} instead of a ping); a connection to a server in another role is
         * evicted ({@link EvictionReason#WRONG_ROLE}) and its siblings swept. A role that contradicts the driver's
         * own setting fails the start, naming both.
         */
        public Builder requiredRole(ServerRole role) {
            this.requiredRole = Objects.requireNonNull(role, "requiredRole");
            return this;
        }

        /**
         * Switches the in-flight watchdog on or off. Unset, it is on wherever jdbc-liveness sees the driver's sockets;
         * {@code true}, set explicitly, makes a pool on any other driver fail to start.
         */
        public Builder watchdogEnabled(boolean enabled) {
            this.watchdogEnabled = enabled;
            return this;
        }

        /**
         * How often leased connections are looked at (default B / 12; at least 50 ms). With the watchdog on,
         * {@code 2 × watchdogInterval + unacknowledgedTimeout ≤ B}: a request stuck in a dead path is seen one
         * interval late, confirmed after the timeout and aborted at the next look. The host verdict also takes two
         * intervals, so {@code heartbeatInterval + 2 × watchdogInterval + connectTimeout} plus the verdict's grace
         * must fit in B as well ({@link LivenessConfig#worstCases()}). {@link #build()} checks both.
         */
        public Builder watchdogInterval(Duration interval) {
            this.watchdogInterval = Objects.requireNonNull(interval, "watchdogInterval");
            return this;
        }

        /** How long sent bytes may stay unacknowledged before the connection is aborted (default B / 6; ≥ 200 ms). */
        public Builder unacknowledgedTimeout(Duration timeout) {
            this.unacknowledgedTimeout = Objects.requireNonNull(timeout, "unacknowledgedTimeout");
            return this;
        }

        /** Validate every borrow with a probe before handing it out (default off). */
        public Builder validateOnBorrow(boolean validate) {
            this.validateOnBorrow = validate;
            return this;
        }

        /** How often idle connections are probed (default B / 3; 10 ms … B − probeTimeout). */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Objects.requireNonNull(interval, "heartbeatInterval");
            return this;
        }

        /** How long a probe may take (default min(B / 6, 5 s); 50 ms … 60 s). */
        public Builder probeTimeout(Duration timeout) {
            this.probeTimeout = Objects.requireNonNull(timeout, "probeTimeout");
            return this;
        }

        /** The driver's connect timeout for new connections (default B / 3 in whole seconds, 1 s … 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
            return this;
        }

        /** A statement to probe with instead of the driver's {@code isValid} (for example {@code SELECT 1}). */
        public Builder validationQuery(String sql) {
            this.validationQuery = Objects.requireNonNull(sql, "validationQuery");
            return this;
        }

        /**
         * Switches per-socket keepalive tuning on or off. Unset, it is on wherever jdbc-liveness can tune the
         * driver's sockets (pgjdbc, MySQL Connector/J, MariaDB Connector/J) and off, with the reason in the stats and
         * the log, on any other driver; {@code true}, set explicitly, makes a pool on any other driver fail to start.
         * Off leaves the driver's sockets as they are: dead paths under a long query then go unnoticed.
         */
        public Builder keepaliveEnabled(boolean enabled) {
            this.keepaliveEnabled = enabled;
            return this;
        }

        /** Detection budget B (default 30 s, at least 4 s, at most 24 h). */
        public Builder detectionBudget(Duration budget) {
            this.detectionBudget = Objects.requireNonNull(budget, "detectionBudget");
            return this;
        }

        /** Explicit keepalive instead of the one derived from the budget; must fit within it. */
        public Builder keepalive(KeepaliveSettings settings) {
            this.keepalive = Objects.requireNonNull(settings, "keepalive");
            return this;
        }

        /** Shorthand for {@code keepalive(KeepaliveSettings.of(idle, interval, count))}. */
        public Builder keepalive(Duration idle, Duration interval, int count) {
            return keepalive(KeepaliveSettings.of(idle, interval, count));
        }

        /**
         * The idle timeout of a middlebox on the path (AWS NLB 350 s, Azure LB 240 s, …): keepalive idle must be
         * below it, or the flow is evicted before the first probe.
         */
        public Builder middleboxIdleTimeout(Duration timeout) {
            this.middleboxIdleTimeout = Objects.requireNonNull(timeout, "middleboxIdleTimeout");
            return this;
        }

        public LivenessConfig build() {
            if (detectionBudget.compareTo(KeepaliveSettings.MIN_BUDGET) < 0
                    || detectionBudget.compareTo(MAX_DETECTION_BUDGET) > 0) {
                throw new IllegalArgumentException("detectionBudget (" + Durations.format(detectionBudget)
                        + ") must be between " + Durations.format(KeepaliveSettings.MIN_BUDGET) + " and "
                        + Durations.format(MAX_DETECTION_BUDGET));
            }
            if (middleboxIdleTimeout != null && middleboxIdleTimeout.compareTo(Duration.ofSeconds(2)) < 0) {
                throw new IllegalArgumentException("middleboxIdleTimeout (" + Durations.format(middleboxIdleTimeout)
                        + ") must be at least 2s");
            }
            if (heartbeatInterval != null && heartbeatInterval.compareTo(MIN_HEARTBEAT_INTERVAL) < 0) {
                throw new IllegalArgumentException("heartbeatInterval (" + Durations.format(heartbeatInterval)
                        + ") must be at least " + Durations.format(MIN_HEARTBEAT_INTERVAL));
            }
            if (probeTimeout != null && (probeTimeout.compareTo(MIN_PROBE_TIMEOUT) < 0
                    || probeTimeout.compareTo(MAX_PROBE_TIMEOUT) > 0)) {
                throw new IllegalArgumentException("probeTimeout (" + Durations.format(probeTimeout)
                        + ") must be between " + Durations.format(MIN_PROBE_TIMEOUT) + " and "
                        + Durations.format(MAX_PROBE_TIMEOUT));
            }
            if (connectTimeout != null && (connectTimeout.compareTo(MIN_CONNECT_TIMEOUT) < 0
                    || connectTimeout.compareTo(MAX_CONNECT_TIMEOUT) > 0 || connectTimeout.getNano() != 0)) {
                throw new IllegalArgumentException("connectTimeout (" + Durations.format(connectTimeout)
                        + ") must be a whole number of seconds between " + Durations.format(MIN_CONNECT_TIMEOUT)
                        + " and " + Durations.format(MAX_CONNECT_TIMEOUT));
            }
            if (watchdogInterval != null && watchdogInterval.compareTo(MIN_WATCHDOG_INTERVAL) < 0) {
                throw new IllegalArgumentException("watchdogInterval (" + Durations.format(watchdogInterval)
                        + ") must be at least " + Durations.format(MIN_WATCHDOG_INTERVAL));
            }
            if (unacknowledgedTimeout != null && unacknowledgedTimeout.compareTo(MIN_UNACKNOWLEDGED_TIMEOUT) < 0) {
                throw new IllegalArgumentException("unacknowledgedTimeout (" + Durations.format(unacknowledgedTimeout)
                        + ") must be at least " + Durations.format(MIN_UNACKNOWLEDGED_TIMEOUT)
                        + ": shorter than a few retransmissions on a healthy path");
            }
            if (validationQuery != null && validationQuery.isBlank()) {
                throw new IllegalArgumentException("validationQuery (\"" + validationQuery
                        + "\") must not be blank; leave it unset to probe with isValid");
            }
            LivenessConfig config = new LivenessConfig(this);
            WorstCases worst = config.worstCases();
            if (worst.heartbeat().compareTo(detectionBudget) > 0) {
                throw new IllegalArgumentException("heartbeatInterval (" + Durations.format(config.heartbeatInterval)
                        + ") + probeTimeout (" + Durations.format(config.probeTimeout) + ") must be within "
                        + "detectionBudget (" + Durations.format(detectionBudget) + "): a connection that dies "
                        + "right after a probe is found by the next one");
            }
            Duration watched = worst.watchdog();
            if (config.watchdogEnabled && watched.compareTo(detectionBudget) > 0) {
                throw new IllegalArgumentException("2 × watchdogInterval (" + Durations.format(config.watchdogInterval)
                        + ") + unacknowledgedTimeout (" + Durations.format(config.unacknowledgedTimeout)
                        + ") = " + Durations.format(watched) + " must be within detectionBudget ("
                        + Durations.format(detectionBudget) + "): a request stuck in a dead path is found after one "
                        + "interval, confirmed after the timeout, and aborted at the next look");
            }
            if (config.watchdogEnabled && worst.hostVerdict().compareTo(detectionBudget) > 0) {
                throw new IllegalArgumentException("heartbeatInterval (" + Durations.format(config.heartbeatInterval)
                        + ") + 2 × watchdogInterval (" + Durations.format(config.watchdogInterval)
                        + ") + connectTimeout (" + Durations.format(config.connectTimeout) + ") + the verdict's grace ("
                        + Durations.format(worst.verdictGrace()) + ") = " + Durations.format(worst.hostVerdict())
                        + " must be within detectionBudget (" + Durations.format(detectionBudget) + "): a request "
                        + "waiting on a hung or unreachable host ends only once a new connection has failed to get an "
                        + "answer within connectTimeout");
            }
            if (middleboxIdleTimeout != null && config.heartbeatInterval.compareTo(middleboxIdleTimeout) >= 0) {
                throw new IllegalArgumentException("heartbeatInterval (" + Durations.format(config.heartbeatInterval)
                        + ") must be below middleboxIdleTimeout (" + Durations.format(middleboxIdleTimeout)
                        + "): the middlebox would forget an idle flow between two probes");
            }
            if (!config.keepaliveEnabled) {
                return config;
            }
            KeepaliveSettings k = config.keepalive;
            if (k.detectionTime().compareTo(detectionBudget) > 0) {
                throw new IllegalArgumentException("keepaliveIdle (" + Durations.format(k.idle())
                        + ") + keepaliveCount (" + k.count() + ") × keepaliveInterval ("
                        + Durations.format(k.interval()) + ") = " + Durations.format(k.detectionTime())
                        + " must be within detectionBudget (" + Durations.format(detectionBudget) + ")");
            }
            if (middleboxIdleTimeout != null && k.idle().compareTo(middleboxIdleTimeout) >= 0) {
                throw new IllegalArgumentException("keepaliveIdle (" + Durations.format(k.idle())
                        + ") must be below middleboxIdleTimeout (" + Durations.format(middleboxIdleTimeout)
                        + "): the middlebox would forget the flow before the first probe");
            }
            return config;
        }
    }
}

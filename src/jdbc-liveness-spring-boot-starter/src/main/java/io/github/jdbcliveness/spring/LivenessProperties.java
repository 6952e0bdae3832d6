package io.github.jdbcliveness.spring;

import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.ServerRole;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * The {@code jdbc-liveness.*} properties of a Spring Boot application: every {@link LivenessConfig} setting, as Boot
 * durations ({@code 6s}, {@code 500ms}, {@code PT6S}). A bare number is seconds ({@code detection-budget=6} is 6 s):
 * Boot's own default unit, milliseconds, turned a budget meant as 6 s into 6 ms, and every duration here is thought
 * of in seconds. A setting left unset takes the value derived from {@code detection-budget}, exactly as
 * {@link LivenessConfig.Builder} derives it.
 */
@ConfigurationProperties(LivenessProperties.PREFIX)
public class LivenessProperties {

    public static final String PREFIX = "jdbc-liveness";

    /** Builder setting names in LivenessConfig's messages, and the property each one is here. */
    private static final Map<String, String> PROPERTY_OF = Map.ofEntries(
            Map.entry("detectionBudget", "detection-budget"),
            Map.entry("heartbeatInterval", "heartbeat-interval"),
            Map.entry("probeTimeout", "probe-timeout"),
            Map.entry("connectTimeout", "connect-timeout"),
            Map.entry("validationQuery", "validation-query"),
            Map.entry("middleboxIdleTimeout", "middlebox-idle-timeout"),
            Map.entry("requiredRole", "required-role"),
            Map.entry("keepaliveIdle", "keepalive.idle"),
            Map.entry("keepaliveInterval", "keepalive.interval"),
            Map.entry("keepaliveCount", "keepalive.count"),
            Map.entry("watchdogInterval", "watchdog.interval"),
            Map.entry("unacknowledgedTimeout", "watchdog.unacknowledged-timeout"));
    private static final Pattern SETTING = Pattern.compile("\\b(" + String.join("|", PROPERTY_OF.keySet()) + ")\\b");

    /** Whether the application's HikariCP data sources are wrapped into jdbc-liveness data sources. */
    private boolean enabled = true;

    /**
     * A dead peer is noticed within this (4s to 24h; a bare number is seconds, as in every duration here); every
     * setting left unset is derived from it.
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration detectionBudget = Duration.ofSeconds(30); // LivenessConfig.DEFAULT_DETECTION_BUDGET, as a literal for the metadata

    /** How often an idle pooled connection is probed. Default: a third of the detection budget. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration heartbeatInterval;

    /** A probe with no answer by then means the connection is dead (50ms to 60s). Default: min(budget / 6, 5s). */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration probeTimeout;

    /** The driver's connect timeout for new connections, whole seconds (1s to 10m). Default: budget / 3, 1s to 10s. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration connectTimeout;

    /** A statement to probe with instead of the driver's isValid, for example SELECT 1. */
    private String validationQuery;

    /** Whether every borrow is probed before it is handed out. */
    private boolean validateOnBorrow = false;

    /**
     * The server role the pool needs: primary, standby or any. Unset, the driver's own setting decides (pgjdbc's
     * targetServerType), else any; a connection to a server in another role is evicted.
     */
    private ServerRole requiredRole;

    /** Idle timeout of a NAT, firewall or load balancer on the path (at least 2s); keepalive and heartbeats stay below it. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration middleboxIdleTimeout;

    /** Names of DataSource beans to leave as they are. */
    private List<String> excludedBeans = new ArrayList<>();

    private final Keepalive keepalive = new Keepalive();

    private final Watchdog watchdog = new Watchdog();

    /**
     * The configuration these properties describe.
     *
     * @throws IllegalArgumentException naming the {@code jdbc-liveness.*} property and its value
     */
    public LivenessConfig toConfig() {
        LivenessConfig.Builder b = LivenessConfig.builder().detectionBudget(detectionBudget)
                .validateOnBorrow(validateOnBorrow);
        try {
            if (heartbeatInterval != null) {
                b.heartbeatInterval(heartbeatInterval);
            }
            if (probeTimeout != null) {
                b.probeTimeout(probeTimeout);
            }
            if (connectTimeout != null) {
                b.connectTimeout(connectTimeout);
            }
            if (validationQuery != null) {
                b.validationQuery(validationQuery);
            }
            if (middleboxIdleTimeout != null) {
                b.middleboxIdleTimeout(middleboxIdleTimeout);
            }
            if (requiredRole != null) {
                b.requiredRole(requiredRole);
            }
            keepalive.applyTo(b);
            watchdog.applyTo(b);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid " + PREFIX + " properties: " + inPropertyNames(e.getMessage()),
                    e);
        }
    }

    /** LivenessConfig names its builder settings; a Boot user reads property names. */
    static String inPropertyNames(String message) {
        Matcher m = SETTING.matcher(message == null ? "" : message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(PREFIX + "." + PROPERTY_OF.get(m.group(1))));
        }
        return m.appendTail(out).toString();
    }

    /** Per-socket TCP keepalive. */
    public static class Keepalive {

        /**
         * Whether jdbc-liveness sets TCP keepalive on each socket; false leaves it to the driver. Unset: on for
         * pgjdbc, MySQL Connector/J and MariaDB Connector/J, off (said so in health and log) for any other driver;
         * true, set explicitly, fails the start on any other driver.
         */
        private Boolean enabled;

        /** TCP_KEEPIDLE, whole seconds. Default: budget / 3. Set idle, interval and count together, or none. */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration idle;

        /** TCP_KEEPINTVL, whole seconds. Default: max(1s, budget / 9). */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration interval;

        /** TCP_KEEPCNT, 1 to 127. Default: 3. */
        private Integer count;

        void applyTo(LivenessConfig.Builder b) {
            if (enabled != null) {
                b.keepaliveEnabled(enabled);
            }
            if (idle == null && interval == null && count == null) {
                return;
            }
            List<String> missing = new ArrayList<>();
            if (idle == null) {
                missing.add(PREFIX + ".keepalive.idle");
            }
            if (interval == null) {
                missing.add(PREFIX + ".keepalive.interval");
            }
            if (count == null) {
                missing.add(PREFIX + ".keepalive.count");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("keepalive idle, interval and count go together: set all three "
                        + "or none (missing: " + String.join(", ", missing) + ")");
            }
            b.keepalive(idle, interval, count);
        }

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getIdle() {
            return idle;
        }

        public void setIdle(Duration idle) {
            this.idle = idle;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Integer getCount() {
            return count;
        }

        public void setCount(Integer count) {
            this.count = count;
        }
    }

    /** The in-flight watchdog: requests stuck unacknowledged in a dead path (Linux). */
    public static class Watchdog {

        /**
         * Whether leased connections are watched for requests stuck in a dead path. Unset: on wherever
         * jdbc-liveness sees the driver's sockets; true, set explicitly, fails the start on any other driver.
         */
        private Boolean enabled;

        /**
         * How often leased connections are looked at (at least 50ms; 2 × interval + unacknowledged-timeout within
         * the budget). Default: budget / 12.
         */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration interval;

        /** How long a request may sit unacknowledged before the connection is aborted (at least 200ms). Default: budget / 6. */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration unacknowledgedTimeout;

        void applyTo(LivenessConfig.Builder b) {
            if (enabled != null) {
                b.watchdogEnabled(enabled);
            }
            if (interval != null) {
                b.watchdogInterval(interval);
            }
            if (unacknowledgedTimeout != null) {
                b.unacknowledgedTimeout(unacknowledgedTimeout);
            }
        }

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getUnacknowledgedTimeout() {
            return unacknowledgedTimeout;
        }

        public void setUnacknowledgedTimeout(Duration unacknowledgedTimeout) {
            this.unacknowledgedTimeout = unacknowledgedTimeout;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getDetectionBudget() {
        return detectionBudget;
    }

    public void setDetectionBudget(Duration detectionBudget) {
        this.detectionBudget = detectionBudget;
    }

    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public Duration getProbeTimeout() {
        return probeTimeout;
    }

    public void setProbeTimeout(Duration probeTimeout) {
        this.probeTimeout = probeTimeout;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public String getValidationQuery() {
        return validationQuery;
    }

    public void setValidationQuery(String validationQuery) {
        this.validationQuery = validationQuery;
    }

    public boolean isValidateOnBorrow() {
        return validateOnBorrow;
    }

    public void setValidateOnBorrow(boolean validateOnBorrow) {
        this.validateOnBorrow = validateOnBorrow;
    }

    public ServerRole getRequiredRole() {
        return requiredRole;
    }

    public void setRequiredRole(ServerRole requiredRole) {
        this.requiredRole = requiredRole;
    }

    public Duration getMiddleboxIdleTimeout() {
        return middleboxIdleTimeout;
    }

    public void setMiddleboxIdleTimeout(Duration middleboxIdleTimeout) {
        this.middleboxIdleTimeout = middleboxIdleTimeout;
    }

    public List<String> getExcludedBeans() {
        return excludedBeans;
    }

    public void setExcludedBeans(List<String> excludedBeans) {
        this.excludedBeans = excludedBeans;
    }

    public Keepalive getKeepalive() {
        return keepalive;
    }

    public Watchdog getWatchdog() {
        return watchdog;
    }
}

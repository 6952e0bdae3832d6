package io.github.jdbcliveness.audit;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * The HikariCP settings that decide when plain HikariCP notices a dead connection, and the driver settings that
 * decide what its sockets and reads do.
 *
 * @param socketTimeout  the driver's read timeout, if set ({@code dataSource.socketTimeout})
 * @param tcpKeepAlive   whether the driver turns {@code SO_KEEPALIVE} on (kernel defaults); pgjdbc: off unless
 *                       {@code tcpKeepAlive=true}; the MySQL drivers: on
 */
public record PoolSettings(Duration keepaliveTime, Duration connectionTimeout, Duration validationTimeout,
        Duration maxLifetime, Duration idleTimeout, Optional<Duration> socketTimeout, boolean tcpKeepAlive,
        Optional<String> driverRole, String source) {

    /** HikariCP 7.1 refuses a keepaliveTime below this and disables its keepalive instead. */
    static final Duration HIKARI_MIN_KEEPALIVE = Duration.ofSeconds(30);

    /** HikariCP's defaults, with the driver's own default for {@code SO_KEEPALIVE}. */
    public static PoolSettings defaults(String jdbcUrl) {
        return new PoolSettings(Duration.ofSeconds(120), Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofMinutes(30), Duration.ofMinutes(10), Optional.empty(), !isPostgres(jdbcUrl),
                driverRole(jdbcUrl, null), "HikariCP defaults");
    }

    /**
     * From a HikariCP properties file's content (milliseconds, as HikariCP reads them); what is absent keeps
     * HikariCP's default. {@code dataSource.socketTimeout} is in seconds for pgjdbc and milliseconds for the MySQL
     * drivers, as each driver reads it.
     *
     * @throws IllegalArgumentException naming the property and its value when a value is not a number
     */
    public static PoolSettings from(Properties p, String jdbcUrl, String source) {
        PoolSettings d = defaults(jdbcUrl);
        boolean pg = isPostgres(jdbcUrl);
        Optional<Duration> socketTimeout = Optional.ofNullable(p.getProperty("dataSource.socketTimeout"))
                .map(v -> pg ? Duration.ofSeconds(number("dataSource.socketTimeout", v))
                        : Duration.ofMillis(number("dataSource.socketTimeout", v)))
                .filter(t -> !t.isZero());
        String keepAlive = p.getProperty("dataSource.tcpKeepAlive");
        return new PoolSettings(millis(p, "keepaliveTime", d.keepaliveTime), millis(p, "connectionTimeout",
                d.connectionTimeout), millis(p, "validationTimeout", d.validationTimeout),
                millis(p, "maxLifetime", d.maxLifetime), millis(p, "idleTimeout", d.idleTimeout), socketTimeout,
                keepAlive == null ? d.tcpKeepAlive : Boolean.parseBoolean(keepAlive.trim()),
                driverRole(jdbcUrl, p.getProperty("dataSource.targetServerType")), source);
    }

    /** Whether HikariCP's own keepalive check runs: at least 30 s, and below maxLifetime when that is set. */
    public boolean hikariKeepaliveRuns() {
        return keepaliveTime.compareTo(HIKARI_MIN_KEEPALIVE) >= 0
                && (maxLifetime.isZero() || keepaliveTime.compareTo(maxLifetime) < 0);
    }

    /**
     * The server role the driver's own setting asks for, as the pool would read it: pgjdbc's
     * {@code targetServerType} in the URL (which wins), else in {@code dataSource.targetServerType}; empty for any
     * role, or another driver.
     */
    private static Optional<String> driverRole(String jdbcUrl, String property) {
        if (!isPostgres(jdbcUrl)) {
            return Optional.empty();
        }
        String v = io.github.jdbcliveness.keepalive.JdbcUrl.parse(jdbcUrl).parameters().getOrDefault("targetservertype",
                property);
        if (v == null) {
            return Optional.empty();
        }
        String role = switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "primary", "master" -> "primary";
            case "secondary" -> "standby";
            default -> null;
        };
        return Optional.ofNullable(role).map(r -> r + " (pgjdbc targetServerType=" + v.trim() + ")");
    }

    private static boolean isPostgres(String jdbcUrl) {
        return jdbcUrl != null && jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
    }

    private static Duration millis(Properties p, String name, Duration fallback) {
        String v = p.getProperty(name);
        return v == null ? fallback : Duration.ofMillis(number(name, v));
    }

    private static long number(String name, String value) {
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " (" + value + ") must be a whole number, not negative");
        }
    }
}

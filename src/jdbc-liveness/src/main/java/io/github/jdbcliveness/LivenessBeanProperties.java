package io.github.jdbcliveness;

import io.github.jdbcliveness.LivenessKeys.Setting;

/**
 * The liveness settings as JavaBean properties of {@link LivenessDataSourceBean}, in their string form: what a
 * properties file's {@code liveness.*} keys take, parsed by the same {@link LivenessKeys}. Meanings, defaults
 * and bounds are the README's Settings table. A setter parses its value at once (durations need a unit: 500ms, 6s,
 * 2m, 1h, 1d, or ISO-8601 such as PT6S; booleans are true or false), and null unsets it, so the default applies
 * again. A getter returns the value as it was set, or null. Package-private for the reason
 * {@link HikariBeanProperties} gives.
 */
abstract class LivenessBeanProperties extends HikariBeanProperties {

    private final LivenessKeys liveness = LivenessKeys.forBean();

    /** The settings checked together, as the pool starts with them; called under the lock. */
    final LivenessConfig livenessConfig() {
        return liveness.build();
    }

    private void setLiveness(Setting s, String value) {
        set(s.property, () -> liveness.set(s, value));
    }

    private String getLiveness(Setting s) {
        lock.lock();
        try {
            return liveness.get(s);
        } finally {
            lock.unlock();
        }
    }

    public void setDetectionBudget(String duration) {
        setLiveness(Setting.DETECTION_BUDGET, duration);
    }

    public String getDetectionBudget() {
        return getLiveness(Setting.DETECTION_BUDGET);
    }

    public void setHeartbeatInterval(String duration) {
        setLiveness(Setting.HEARTBEAT_INTERVAL, duration);
    }

    public String getHeartbeatInterval() {
        return getLiveness(Setting.HEARTBEAT_INTERVAL);
    }

    public void setProbeTimeout(String duration) {
        setLiveness(Setting.PROBE_TIMEOUT, duration);
    }

    public String getProbeTimeout() {
        return getLiveness(Setting.PROBE_TIMEOUT);
    }

    /** The driver's connect timeout for new connections; not HikariCP's {@code connectionTimeout} for a borrow. */
    public void setConnectTimeout(String duration) {
        setLiveness(Setting.CONNECT_TIMEOUT, duration);
    }

    public String getConnectTimeout() {
        return getLiveness(Setting.CONNECT_TIMEOUT);
    }

    public void setValidationQuery(String sql) {
        setLiveness(Setting.VALIDATION_QUERY, sql);
    }

    public String getValidationQuery() {
        return getLiveness(Setting.VALIDATION_QUERY);
    }

    public void setValidateOnBorrow(String trueOrFalse) {
        setLiveness(Setting.VALIDATE_ON_BORROW, trueOrFalse);
    }

    public String getValidateOnBorrow() {
        return getLiveness(Setting.VALIDATE_ON_BORROW);
    }

    /** {@code primary}, {@code standby} or {@code any} ({@link LivenessConfig.Builder#requiredRole}). */
    public void setRequiredRole(String role) {
        setLiveness(Setting.REQUIRED_ROLE, role);
    }

    public String getRequiredRole() {
        return getLiveness(Setting.REQUIRED_ROLE);
    }

    public void setMiddleboxIdleTimeout(String duration) {
        setLiveness(Setting.MIDDLEBOX_IDLE_TIMEOUT, duration);
    }

    public String getMiddleboxIdleTimeout() {
        return getLiveness(Setting.MIDDLEBOX_IDLE_TIMEOUT);
    }

    public void setKeepaliveEnabled(String trueOrFalse) {
        setLiveness(Setting.KEEPALIVE_ENABLED, trueOrFalse);
    }

    public String getKeepaliveEnabled() {
        return getLiveness(Setting.KEEPALIVE_ENABLED);
    }

    /** {@code TCP_KEEPIDLE}, whole seconds; with keepaliveInterval and keepaliveCount, all three or none. */
    public void setKeepaliveIdle(String duration) {
        setLiveness(Setting.KEEPALIVE_IDLE, duration);
    }

    public String getKeepaliveIdle() {
        return getLiveness(Setting.KEEPALIVE_IDLE);
    }

    public void setKeepaliveInterval(String duration) {
        setLiveness(Setting.KEEPALIVE_INTERVAL, duration);
    }

    public String getKeepaliveInterval() {
        return getLiveness(Setting.KEEPALIVE_INTERVAL);
    }

    public void setKeepaliveCount(String count) {
        setLiveness(Setting.KEEPALIVE_COUNT, count);
    }

    public String getKeepaliveCount() {
        return getLiveness(Setting.KEEPALIVE_COUNT);
    }

    public void setWatchdogEnabled(String trueOrFalse) {
        setLiveness(Setting.WATCHDOG_ENABLED, trueOrFalse);
    }

    public String getWatchdogEnabled() {
        return getLiveness(Setting.WATCHDOG_ENABLED);
    }

    public void setWatchdogInterval(String duration) {
        setLiveness(Setting.WATCHDOG_INTERVAL, duration);
    }

    public String getWatchdogInterval() {
        return getLiveness(Setting.WATCHDOG_INTERVAL);
    }

    public void setUnacknowledgedTimeout(String duration) {
        setLiveness(Setting.UNACKNOWLEDGED_TIMEOUT, duration);
    }

    public String getUnacknowledgedTimeout() {
        return getLiveness(Setting.UNACKNOWLEDGED_TIMEOUT);
    }
}

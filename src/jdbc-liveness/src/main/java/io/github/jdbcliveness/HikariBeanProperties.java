package io.github.jdbcliveness;

import com.zaxxer.hikari.HikariConfig;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * HikariCP's settings as JavaBean properties of {@link LivenessDataSourceBean}, each forwarded to a
 * {@link HikariConfig} of the bean's own, under the bean's lock, and refused once the pool has started. HikariCP's
 * setters keep their own checks and units (durations in bare milliseconds, or with a unit such as {@code 30s} in a
 * properties file).
 *
 * <p>Package-private, like the JDK's {@code AbstractStringBuilder}: javac gives the public subclass public bridges
 * for these methods, so introspection ({@code java.beans.Introspector}, JNDI factories, binders) finds them on
 * {@code LivenessDataSourceBean} itself. This class and {@link LivenessBeanProperties} only split the bean into
 * parts that each read in one sitting.
 */
abstract class HikariBeanProperties {

    /** A lock, not a monitor: a virtual-thread borrower waiting for the pool to start must not pin its carrier. */
    final ReentrantLock lock = new ReentrantLock();
    private final HikariConfig hikari = new HikariConfig();

    /** Throws {@link IllegalStateException} naming {@code setting} once nothing may be set; called under the lock. */
    abstract void checkSettable(String setting);

    final void set(String setting, Runnable change) {
        lock.lock();
        try {
            checkSettable(setting);
            change.run();
        } finally {
            lock.unlock();
        }
    }

    final <T> T get(Function<HikariConfig, T> getter) {
        lock.lock();
        try {
            return getter.apply(hikari);
        } finally {
            lock.unlock();
        }
    }

    /** Copies the HikariCP settings to the pool about to start; called under the lock. */
    final void copyHikariSettingsTo(HikariConfig pool) {
        hikari.copyStateTo(pool);
    }

    /** Without the lock, for {@code toString}: a reference read, at worst a moment old. */
    final String poolName() {
        return hikari.getPoolName();
    }

    public void setJdbcUrl(String jdbcUrl) {
        set("jdbcUrl", () -> hikari.setJdbcUrl(jdbcUrl));
    }

    public String getJdbcUrl() {
        return get(HikariConfig::getJdbcUrl);
    }

    /**
     * The same as {@code jdbcUrl}, under the name Spring Boot's {@code DataSourceBuilder} looks for
     * ({@code spring.datasource.type} with {@code spring.datasource.url}).
     */
    public void setUrl(String url) {
        set("url", () -> hikari.setJdbcUrl(url));
    }

    public String getUrl() {
        return getJdbcUrl();
    }

    public void setUsername(String username) {
        set("username", () -> hikari.setUsername(username));
    }

    public String getUsername() {
        return get(HikariConfig::getUsername);
    }

    public void setPassword(String password) {
        set("password", () -> hikari.setPassword(password));
    }

    public String getPassword() {
        return get(HikariConfig::getPassword);
    }

    public void setDriverClassName(String driverClassName) {
        set("driverClassName", () -> hikari.setDriverClassName(driverClassName));
    }

    public String getDriverClassName() {
        return get(HikariConfig::getDriverClassName);
    }

    public void setPoolName(String poolName) {
        set("poolName", () -> hikari.setPoolName(poolName));
    }

    public String getPoolName() {
        return get(HikariConfig::getPoolName);
    }

    public void setMaximumPoolSize(int maximumPoolSize) {
        set("maximumPoolSize", () -> hikari.setMaximumPoolSize(maximumPoolSize));
    }

    public int getMaximumPoolSize() {
        return get(HikariConfig::getMaximumPoolSize);
    }

    public void setMinimumIdle(int minimumIdle) {
        set("minimumIdle", () -> hikari.setMinimumIdle(minimumIdle));
    }

    public int getMinimumIdle() {
        return get(HikariConfig::getMinimumIdle);
    }

    public void setConnectionTimeout(long connectionTimeoutMs) {
        set("connectionTimeout", () -> hikari.setConnectionTimeout(connectionTimeoutMs));
    }

    public long getConnectionTimeout() {
        return get(HikariConfig::getConnectionTimeout);
    }

    public void setIdleTimeout(long idleTimeoutMs) {
        set("idleTimeout", () -> hikari.setIdleTimeout(idleTimeoutMs));
    }

    public long getIdleTimeout() {
        return get(HikariConfig::getIdleTimeout);
    }

    public void setMaxLifetime(long maxLifetimeMs) {
        set("maxLifetime", () -> hikari.setMaxLifetime(maxLifetimeMs));
    }

    public long getMaxLifetime() {
        return get(HikariConfig::getMaxLifetime);
    }

    public void setKeepaliveTime(long keepaliveTimeMs) {
        set("keepaliveTime", () -> hikari.setKeepaliveTime(keepaliveTimeMs));
    }

    public long getKeepaliveTime() {
        return get(HikariConfig::getKeepaliveTime);
    }

    public void setValidationTimeout(long validationTimeoutMs) {
        set("validationTimeout", () -> hikari.setValidationTimeout(validationTimeoutMs));
    }

    public long getValidationTimeout() {
        return get(HikariConfig::getValidationTimeout);
    }

    public void setLeakDetectionThreshold(long leakDetectionThresholdMs) {
        set("leakDetectionThreshold", () -> hikari.setLeakDetectionThreshold(leakDetectionThresholdMs));
    }

    public long getLeakDetectionThreshold() {
        return get(HikariConfig::getLeakDetectionThreshold);
    }

    public void setInitializationFailTimeout(long initializationFailTimeoutMs) {
        set("initializationFailTimeout", () -> hikari.setInitializationFailTimeout(initializationFailTimeoutMs));
    }

    public long getInitializationFailTimeout() {
        return get(HikariConfig::getInitializationFailTimeout);
    }

    public void setAutoCommit(boolean autoCommit) {
        set("autoCommit", () -> hikari.setAutoCommit(autoCommit));
    }

    public boolean isAutoCommit() {
        return get(HikariConfig::isAutoCommit);
    }

    public void setReadOnly(boolean readOnly) {
        set("readOnly", () -> hikari.setReadOnly(readOnly));
    }

    public boolean isReadOnly() {
        return get(HikariConfig::isReadOnly);
    }

    /** A level name as HikariCP takes it: {@code TRANSACTION_READ_COMMITTED}, {@code TRANSACTION_SERIALIZABLE}, … */
    public void setTransactionIsolation(String transactionIsolation) {
        set("transactionIsolation", () -> hikari.setTransactionIsolation(transactionIsolation));
    }

    public String getTransactionIsolation() {
        return get(HikariConfig::getTransactionIsolation);
    }

    public void setCatalog(String catalog) {
        set("catalog", () -> hikari.setCatalog(catalog));
    }

    public String getCatalog() {
        return get(HikariConfig::getCatalog);
    }

    public void setSchema(String schema) {
        set("schema", () -> hikari.setSchema(schema));
    }

    public String getSchema() {
        return get(HikariConfig::getSchema);
    }

    public void setConnectionInitSql(String connectionInitSql) {
        set("connectionInitSql", () -> hikari.setConnectionInitSql(connectionInitSql));
    }

    public String getConnectionInitSql() {
        return get(HikariConfig::getConnectionInitSql);
    }

    /** Becomes the probe's statement, as with {@link LivenessDataSource}; it must equal a validationQuery if set. */
    public void setConnectionTestQuery(String connectionTestQuery) {
        set("connectionTestQuery", () -> hikari.setConnectionTestQuery(connectionTestQuery));
    }

    public String getConnectionTestQuery() {
        return get(HikariConfig::getConnectionTestQuery);
    }

    public void setRegisterMbeans(boolean registerMbeans) {
        set("registerMbeans", () -> hikari.setRegisterMbeans(registerMbeans));
    }

    public boolean isRegisterMbeans() {
        return get(HikariConfig::isRegisterMbeans);
    }

    /** Adds these driver properties to the ones set so far, as {@link HikariConfig#setDataSourceProperties} does. */
    public void setDataSourceProperties(Properties dataSourceProperties) {
        set("dataSourceProperties", () -> hikari.setDataSourceProperties(dataSourceProperties));
    }

    /** The driver properties themselves, as in HikariCP; the pool takes a copy when it starts. */
    public Properties getDataSourceProperties() {
        return get(HikariConfig::getDataSourceProperties);
    }

    public void addDataSourceProperty(String propertyName, Object value) {
        set("dataSourceProperties", () -> hikari.addDataSourceProperty(propertyName, value));
    }
}

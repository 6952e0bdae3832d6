package io.github.jdbcliveness.spring;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.util.function.Supplier;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;

/**
 * Wraps every {@link HikariDataSource} bean into a {@link LivenessDataSource} once Boot has bound its properties
 * ({@code spring.datasource.hikari.*}) and before the pool has started. The pool keeps every setting; HikariCP still
 * pools, and {@code unwrap} still reaches it for Boot's {@code hikaricp.*} meters, pool metadata, JMX and
 * checkpoint-restore.
 *
 * <p>Beans named in {@code jdbc-liveness.excluded-beans} are left alone, and so is a data source that already is a
 * {@code LivenessDataSource}. A pool that cannot be wrapped (already started, or configured in a way jdbc-liveness
 * cannot work with) fails the start with a message naming the bean: a pool silently left without liveness would be
 * the lie this library exists to end.
 */
final class LivenessDataSourcePostProcessor implements BeanPostProcessor, Ordered {

    /** Below 0: Boot 4.1's {@code spring.datasource.connection-fetch=lazy} wraps the data source at order 0. */
    static final int ORDER = -100;

    private final Supplier<LivenessProperties> properties;
    private final Supplier<LivenessConfig> config;

    LivenessDataSourcePostProcessor(Supplier<LivenessProperties> properties, Supplier<LivenessConfig> config) {
        this.properties = properties;
        this.config = config;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        if (!(bean instanceof HikariDataSource pool) || properties.get().getExcludedBeans().contains(beanName)
                || ScopedProxyUtils.isScopedTarget(beanName) || AopUtils.isAopProxy(bean)) {
            return bean; // a scoped bean's target and a proxy stay as they are: the proxy must reach its target
        }
        try {
            return LivenessDataSource.wrap(pool, config.get());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new BeanCreationException(beanName, "jdbc-liveness cannot wrap the HikariCP data source bean '"
                    + beanName + "': " + switchesAsProperties(e.getMessage()) + ". To leave this bean as it is, add it to "
                    + LivenessProperties.PREFIX + ".excluded-beans; to turn jdbc-liveness off, set "
                    + LivenessProperties.PREFIX + ".enabled=false", e);
        }
    }

    /** The two switches an unknown driver refuses, as the properties a Boot user set. */
    private static String switchesAsProperties(String message) {
        return String.valueOf(message)
                .replace("keepaliveEnabled (true)", LivenessProperties.PREFIX + ".keepalive.enabled (true)")
                .replace("watchdogEnabled (true)", LivenessProperties.PREFIX + ".watchdog.enabled (true)");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}

package io.github.jdbcliveness.spring;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.micrometer.LivenessMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Binds the {@code jdbc.liveness.*} meters ({@link LivenessMetrics}) of every jdbc-liveness pool to each meter
 * registry Boot configures, beside Boot's own {@code hikaricp.*} meters. Boot binds {@code MeterBinder} beans once all
 * singletons exist, so every data source bean is there by then.
 */
@AutoConfiguration(after = LivenessAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, HikariDataSource.class})
@ConditionalOnBooleanProperty(name = LivenessProperties.PREFIX + ".enabled", matchIfMissing = true)
public final class LivenessMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "jdbcLivenessMeterBinder")
    MeterBinder jdbcLivenessMeterBinder(ObjectProvider<Map<String, DataSource>> dataSources) {
        return new PoolsBinder(dataSources);
    }

    /** One {@link LivenessMetrics} per pool, kept: it refuses a second bind to the same registry. */
    static final class PoolsBinder implements MeterBinder {
        private final ObjectProvider<Map<String, DataSource>> dataSources;
        private final Map<LivenessDataSource, LivenessMetrics> binders =
                Collections.synchronizedMap(new IdentityHashMap<>());

        PoolsBinder(ObjectProvider<Map<String, DataSource>> dataSources) {
            this.dataSources = dataSources;
        }

        @Override
        public void bindTo(MeterRegistry registry) {
            Map<String, DataSource> beans = dataSources.getIfAvailable(Map::of);
            LivenessDataSources.byBeanName(beans).values()
                    .forEach(ds -> binders.computeIfAbsent(ds, LivenessMetrics::new).bindTo(registry));
        }
    }
}

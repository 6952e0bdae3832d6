package io.github.jdbcliveness.spring;

import com.zaxxer.hikari.HikariDataSource;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@code jdbcLiveness} health contributor with one {@link LivenessHealthIndicator} per jdbc-liveness pool, named by
 * its data source bean ({@code /actuator/health/jdbcLiveness/dataSource}). Off with
 * {@code management.health.jdbc-liveness.enabled=false}.
 */
@AutoConfiguration(after = LivenessAutoConfiguration.class)
@ConditionalOnClass({HealthContributor.class, ConditionalOnEnabledHealthIndicator.class, HikariDataSource.class})
@ConditionalOnBooleanProperty(name = LivenessProperties.PREFIX + ".enabled", matchIfMissing = true)
@ConditionalOnBean(DataSource.class)
public final class LivenessHealthAutoConfiguration {

    /**
     * Nested, so that its condition is loaded only once the outer class has found the health module: the
     * condition's own class lives there.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnEnabledHealthIndicator("jdbc-liveness")
    static class Contributor {

        @Bean
        @ConditionalOnMissingBean(name = {"jdbcLivenessHealthIndicator", "jdbcLivenessHealthContributor"})
        HealthContributor jdbcLivenessHealthContributor(Map<String, DataSource> dataSources) {
            return CompositeHealthContributor.fromMap(LivenessDataSources.byBeanName(dataSources),
                    LivenessHealthIndicator::new);
        }
    }
}

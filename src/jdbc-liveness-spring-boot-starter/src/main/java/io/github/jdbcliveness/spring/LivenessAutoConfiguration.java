package io.github.jdbcliveness.spring;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

/**
 * Spring Boot auto-configuration: the application's HikariCP data sources become {@link LivenessDataSource}s, with
 * one {@link LivenessConfig} from the {@code jdbc-liveness.*} properties (or a {@code LivenessConfig} bean of the
 * application's own). {@code jdbc-liveness.enabled=false} turns it off. Meters and health have auto-configurations of
 * their own ({@link LivenessMetricsAutoConfiguration}, {@link LivenessHealthAutoConfiguration}).
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(HikariDataSource.class)
@ConditionalOnBooleanProperty(name = LivenessProperties.PREFIX + ".enabled", matchIfMissing = true)
@EnableConfigurationProperties(LivenessProperties.class)
public final class LivenessAutoConfiguration {

    /** Built, and so validated, at startup even when no data source is there to take it. */
    @Bean
    @ConditionalOnMissingBean
    LivenessConfig jdbcLivenessConfig(LivenessProperties properties) {
        return properties.toConfig();
    }

    /** Static, and resolving its dependencies only when a data source comes by: a post-processor starts early. */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static LivenessDataSourcePostProcessor jdbcLivenessDataSourcePostProcessor(
            ObjectProvider<LivenessProperties> properties, ObjectProvider<LivenessConfig> config) {
        return new LivenessDataSourcePostProcessor(properties::getObject, config::getObject);
    }
}

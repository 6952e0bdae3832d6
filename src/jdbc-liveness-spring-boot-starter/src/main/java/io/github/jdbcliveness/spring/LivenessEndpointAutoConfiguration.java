package io.github.jdbcliveness.spring;

import com.zaxxer.hikari.HikariDataSource;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@link LivenessEndpoint}, where the actuator is, and only once it is exposed (Boot's rule for endpoints). */
@AutoConfiguration(after = LivenessAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class, HikariDataSource.class})
@ConditionalOnBooleanProperty(name = LivenessProperties.PREFIX + ".enabled", matchIfMissing = true)
@ConditionalOnBean(DataSource.class)
public final class LivenessEndpointAutoConfiguration {

    /** Nested, so that its condition is loaded only once the outer class has found the actuator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnAvailableEndpoint(LivenessEndpoint.class)
    static class Exposed {

        @Bean
        @ConditionalOnMissingBean
        LivenessEndpoint jdbcLivenessEndpoint(Map<String, DataSource> dataSources) {
            return new LivenessEndpoint(dataSources);
        }
    }
}

/**
 * Spring Boot 4 auto-configuration: {@code jdbc-liveness.*} properties, HikariCP data source beans wrapped into
 * {@link io.github.jdbcliveness.LivenessDataSource}s, {@code jdbc.liveness.*} meters and a {@code jdbcLiveness} health
 * contributor. Boot loads it from {@code META-INF/spring/...AutoConfiguration.imports}; an application that is not a
 * Boot application never loads this package.
 */
package io.github.jdbcliveness.spring;

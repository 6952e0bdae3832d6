package io.github.jdbcliveness;

/**
 * A pool's jdbc-liveness over JMX, registered as {@code io.github.jdbcliveness:type=Pool,name="<pool name>"} when
 * HikariCP's {@code registerMbeans} is on (beside HikariCP's own {@code com.zaxxer.hikari:type=Pool (<pool name>)}),
 * and unregistered when the pool closes. The operations are the runbook's lever: {@link LivenessDataSource#evictAll()}
 * and {@link LivenessDataSource#evictHost(String)}.
 */
public interface LivenessPoolMXBean {

    /** HikariCP's pool name. */
    String getPoolName();

    /** Physical connections open now ({@link LivenessStats#tracked()}). */
    int getTrackedConnections();

    /** Whether the pool's database host is judged down now. */
    boolean isHostDown();

    /** {@link LivenessDataSource#evictAll()}: how many connections were evicted. */
    int evictAll();

    /** {@link LivenessDataSource#evictHost(String)}: how many connections were evicted. */
    int evictHost(String host);
}

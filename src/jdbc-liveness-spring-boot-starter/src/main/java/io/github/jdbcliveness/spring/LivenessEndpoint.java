package io.github.jdbcliveness.spring;

import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessStats;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code jdbcliveness} actuator endpoint: the runbook's lever for the moment a human knows before any probe
 * does (a failover by DNS or a virtual IP). Off the web until exposed
 * ({@code management.endpoints.web.exposure.include=jdbcliveness}), as Boot keeps every endpoint but health.
 * <ul>
 *   <li>{@code GET /actuator/jdbcliveness}: each jdbc-liveness pool by data source bean name: pool name, open
 *       connections, host down;</li>
 *   <li>{@code POST /actuator/jdbcliveness/{dataSource}}: {@link LivenessDataSource#evictAll()};</li>
 *   <li>{@code POST /actuator/jdbcliveness/{dataSource}/{host}}: {@link LivenessDataSource#evictHost(String)}.</li>
 * </ul>
 * Both evict gently: idle connections close now, leased ones when they are returned.
 */
@Endpoint(id = "jdbcliveness")
public final class LivenessEndpoint {

    private final Map<String, DataSource> dataSources;

    public LivenessEndpoint(Map<String, DataSource> dataSources) {
        this.dataSources = dataSources;
    }

    @ReadOperation
    public Map<String, Map<String, Object>> pools() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        LivenessDataSources.byBeanName(dataSources).forEach((bean, ds) -> {
            Map<String, Object> pool = new LinkedHashMap<>();
            pool.put("pool", ds.poolName());
            LivenessStats stats = ds.stats();
            pool.put("connections", stats.tracked());
            pool.put("hostDown", stats.host().down());
            if (stats.hosts().size() > 1) {
                Map<String, Boolean> hosts = new LinkedHashMap<>();
                stats.hosts().forEach(h -> hosts.put(h.name(), h.down()));
                pool.put("hostsDown", hosts);
            }
            out.put(bean, pool);
        });
        return out;
    }

    @WriteOperation
    public Map<String, Object> evictAll(@Selector String dataSource) {
        return evicted(dataSource, null, pool(dataSource).evictAll());
    }

    @WriteOperation
    public Map<String, Object> evictHost(@Selector String dataSource, @Selector String host) {
        return evicted(dataSource, host, pool(dataSource).evictHost(host));
    }

    private LivenessDataSource pool(String bean) {
        LivenessDataSource ds = LivenessDataSources.byBeanName(dataSources).get(bean);
        if (ds == null) {
            throw new IllegalArgumentException("dataSource (" + bean + ") is not a jdbc-liveness pool; there are "
                    + LivenessDataSources.byBeanName(dataSources).keySet());
        }
        return ds;
    }

    private static Map<String, Object> evicted(String dataSource, String host, int n) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dataSource", dataSource);
        if (host != null) {
            out.put("host", host);
        }
        out.put("evicted", n);
        return out;
    }
}

package io.github.jdbcliveness.spring;

import io.github.jdbcliveness.LivenessDataSource;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/** The jdbc-liveness pools among an application's data source beans, behind whatever wraps them (a lazy proxy). */
final class LivenessDataSources {

    private LivenessDataSources() {
    }

    /** By bean name, each pool once (a wrapper and the data source it wraps may both be beans). */
    static Map<String, LivenessDataSource> byBeanName(Map<String, DataSource> beans) {
        Map<String, LivenessDataSource> found = new LinkedHashMap<>();
        Set<LivenessDataSource> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        beans.forEach((name, bean) -> {
            LivenessDataSource ds = unwrap(bean);
            if (ds != null && seen.add(ds)) {
                found.put(name, ds);
            }
        });
        return found;
    }

    private static LivenessDataSource unwrap(DataSource bean) {
        if (bean instanceof LivenessDataSource ds) {
            return ds;
        }
        try {
            return bean.isWrapperFor(LivenessDataSource.class) ? bean.unwrap(LivenessDataSource.class) : null;
        } catch (SQLException e) {
            return null; // a data source that cannot say is not one of ours
        }
    }
}

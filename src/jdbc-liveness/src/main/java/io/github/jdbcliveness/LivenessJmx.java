package io.github.jdbcliveness;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers a pool's {@link LivenessPoolMXBean} with the platform MBean server, and takes it away again. */
final class LivenessJmx {

    private static final Logger LOG = LoggerFactory.getLogger(LivenessJmx.class);

    private LivenessJmx() {
    }

    static ObjectName name(String poolName) throws JMException {
        return new ObjectName("io.github.jdbcliveness:type=Pool,name=" + ObjectName.quote(poolName));
    }

    /** Registers {@code ds}'s MXBean; a failure (a second pool of the same name) is a WARN, never a failed start. */
    static ObjectName register(LivenessDataSource ds) {
        try {
            ObjectName name = name(ds.poolName());
            LivenessPoolMXBean bean = new LivenessPoolMXBean() {
                @Override
                public String getPoolName() {
                    return ds.poolName();
                }

                @Override
                public int getTrackedConnections() {
                    return ds.stats().tracked();
                }

                @Override
                public boolean isHostDown() {
                    return ds.stats().host().down();
                }

                @Override
                public int evictAll() {
                    return ds.evictAll();
                }

                @Override
                public int evictHost(String host) {
                    return ds.evictHost(host);
                }
            };
            ManagementFactory.getPlatformMBeanServer().registerMBean(
                    new StandardMBean(bean, LivenessPoolMXBean.class, true), name);
            return name;
        } catch (JMException | RuntimeException e) {
            LOG.warn("{} - the jdbc-liveness MXBean was not registered: {}", ds.poolName(), e.toString());
            return null;
        }
    }

    static void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            LOG.warn("the jdbc-liveness MXBean {} was not unregistered: {}", name, e.toString());
        }
    }
}

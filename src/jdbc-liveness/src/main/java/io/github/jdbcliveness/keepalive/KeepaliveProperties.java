package io.github.jdbcliveness.keepalive;

import io.github.jdbcliveness.KeepaliveSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/** Keepalive values carried as connection properties, for drivers that hand all properties to the factory. */
final class KeepaliveProperties {

    static final String IDLE = "jdbcliveness.keepaliveIdle";
    static final String INTERVAL = "jdbcliveness.keepaliveInterval";
    static final String COUNT = "jdbcliveness.keepaliveCount";

    private KeepaliveProperties() {
    }

    static void write(Properties props, KeepaliveSettings settings) {
        props.setProperty(IDLE, Integer.toString(settings.idleSeconds()));
        props.setProperty(INTERVAL, Integer.toString(settings.intervalSeconds()));
        props.setProperty(COUNT, Integer.toString(settings.count()));
    }

    static Optional<KeepaliveSettings> read(Properties props) {
        if (props == null || props.getProperty(IDLE) == null) {
            return Optional.empty();
        }
        long count = seconds(props, COUNT);
        if (count < Integer.MIN_VALUE || count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(COUNT + " (" + count + ") must be between 1 and "
                    + KeepaliveSettings.MAX_COUNT);
        }
        return Optional.of(KeepaliveSettings.of(Duration.ofSeconds(seconds(props, IDLE)),
                Duration.ofSeconds(seconds(props, INTERVAL)), (int) count));
    }

    private static long seconds(Properties props, String key) {
        String value = props.getProperty(key);
        try {
            return Long.parseLong(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " (" + value + ") must be a whole number", e);
        }
    }
}

package io.github.jdbcliveness;

import com.zaxxer.hikari.HikariConfig;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The string form of every {@link LivenessConfig} setting: how a HikariCP properties file carries it under a
 * {@code liveness.*} key, and what {@link LivenessDataSourceBean}'s setters take. One parser, so both accept the same
 * values and fail with the same messages.
 *
 * <p>A file's key has two shapes: the bean property's ({@code liveness.watchdogInterval}) and the Spring Boot
 * property's under this prefix ({@code liveness.watchdog.interval}, Boot's {@code jdbc-liveness.watchdog.interval}),
 * so a key copied from a Boot application needs only its prefix changed. Errors name the key as it was written; one
 * setting written in both shapes is refused rather than one of them silently winning.
 *
 * <p>A value is parsed when it is set, so a malformed one fails naming its key and repeating the value. The settings
 * are checked together by {@link LivenessConfig.Builder#build()}; its messages name the builder's settings, and in a
 * file the keys involved are put in front. Not thread-safe: the bean guards it with its lock.
 */
final class LivenessKeys {

    static final String PREFIX = "liveness.";

    /** The Spring Boot starter's prefix: a key copied whole from Boot is refused, naming its file form. */
    private static final String BOOT_PREFIX = "jdbc-liveness.";

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d+");

    enum Kind { DURATION, BOOLEAN, COUNT, TEXT, ROLE }

    /**
     * One setting: its key in a file, the same in the shape of its Spring Boot property, its name as a bean property
     * and in the builder's messages, how it is read.
     */
    enum Setting {
        DETECTION_BUDGET("detectionBudget", "detection-budget", Kind.DURATION,
                (b, v) -> b.detectionBudget((Duration) v)),
        HEARTBEAT_INTERVAL("heartbeatInterval", "heartbeat-interval", Kind.DURATION,
                (b, v) -> b.heartbeatInterval((Duration) v)),
        PROBE_TIMEOUT("probeTimeout", "probe-timeout", Kind.DURATION, (b, v) -> b.probeTimeout((Duration) v)),
        CONNECT_TIMEOUT("connectTimeout", "connect-timeout", Kind.DURATION, (b, v) -> b.connectTimeout((Duration) v)),
        VALIDATION_QUERY("validationQuery", "validation-query", Kind.TEXT, (b, v) -> b.validationQuery((String) v)),
        VALIDATE_ON_BORROW("validateOnBorrow", "validate-on-borrow", Kind.BOOLEAN,
                (b, v) -> b.validateOnBorrow((Boolean) v)),
        REQUIRED_ROLE("requiredRole", "required-role", Kind.ROLE, (b, v) -> b.requiredRole((ServerRole) v)),
        MIDDLEBOX_IDLE_TIMEOUT("middleboxIdleTimeout", "middlebox-idle-timeout", Kind.DURATION,
                (b, v) -> b.middleboxIdleTimeout((Duration) v)),
        KEEPALIVE_ENABLED("keepaliveEnabled", "keepalive.enabled", Kind.BOOLEAN,
                (b, v) -> b.keepaliveEnabled((Boolean) v)),
        // The triple goes to the builder as one KeepaliveSettings, in build(). Its keys already have Boot's shape.
        KEEPALIVE_IDLE("keepalive.idle", "keepalive.idle", "keepaliveIdle", Kind.DURATION, null),
        KEEPALIVE_INTERVAL("keepalive.interval", "keepalive.interval", "keepaliveInterval", Kind.DURATION, null),
        KEEPALIVE_COUNT("keepalive.count", "keepalive.count", "keepaliveCount", Kind.COUNT, null),
        WATCHDOG_ENABLED("watchdogEnabled", "watchdog.enabled", Kind.BOOLEAN,
                (b, v) -> b.watchdogEnabled((Boolean) v)),
        WATCHDOG_INTERVAL("watchdogInterval", "watchdog.interval", Kind.DURATION,
                (b, v) -> b.watchdogInterval((Duration) v)),
        UNACKNOWLEDGED_TIMEOUT("unacknowledgedTimeout", "watchdog.unacknowledged-timeout", Kind.DURATION,
                (b, v) -> b.unacknowledgedTimeout((Duration) v));

        final String key;
        /** {@code key} in the shape of the Spring Boot property: {@code liveness.watchdog.interval}. */
        final String bootShapedKey;
        final String property;
        final Kind kind;
        private final BiConsumer<LivenessConfig.Builder, Object> apply;

        Setting(String name, String bootSuffix, Kind kind, BiConsumer<LivenessConfig.Builder, Object> apply) {
            this(name, bootSuffix, name, kind, apply);
        }

        Setting(String suffix, String bootSuffix, String property, Kind kind,
                BiConsumer<LivenessConfig.Builder, Object> apply) {
            this.key = PREFIX + suffix;
            this.bootShapedKey = PREFIX + bootSuffix;
            this.property = property;
            this.kind = kind;
            this.apply = apply;
        }

        /** Whether {@code key} is this setting's, in either shape. */
        boolean named(String key) {
            return this.key.equals(key) || bootShapedKey.equals(key);
        }
    }

    private static final List<Setting> KEEPALIVE = List.of(Setting.KEEPALIVE_IDLE, Setting.KEEPALIVE_INTERVAL,
            Setting.KEEPALIVE_COUNT);

    /** A file's properties split: HikariCP's own, unchanged, and the config the {@code liveness.*} keys make. */
    record Split(Properties hikari, LivenessConfig liveness) {
    }

    /** A value as written, parsed, and the key it was written under (null for a bean property). */
    private record Value(String key, String raw, Object parsed) {
    }

    private final boolean fileKeys;
    private final Map<Setting, Value> values = new EnumMap<>(Setting.class);

    private LivenessKeys(boolean fileKeys) {
        this.fileKeys = fileKeys;
    }

    /** Settings named by their bean property names ({@code detectionBudget}, {@code keepaliveIdle}). */
    static LivenessKeys forBean() {
        return new LivenessKeys(false);
    }

    /**
     * Takes the {@code liveness.*} keys out of {@code all} and builds their config; every other entry is returned
     * unchanged for {@code new HikariConfig(Properties)}. Like HikariCP, reads the entries themselves, not defaults.
     *
     * @throws IllegalArgumentException for an unknown {@code liveness.*} key, a liveness setting written without the
     *                                  prefix, a malformed value, or a config the builder refuses
     */
    static Split split(Properties all) {
        Objects.requireNonNull(all, "properties");
        LivenessKeys liveness = new LivenessKeys(true);
        Properties hikari = new Properties();
        Map<String, Object> ours = new TreeMap<>(); // sorted, so the first error is the same on every run
        all.forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith(PREFIX)) {
                ours.put(key, v);
            } else {
                refuseUnprefixed(key);
                hikari.put(k, v);
            }
        });
        ours.forEach((key, v) -> liveness.set(setting(key), key, String.valueOf(v)));
        return new Split(hikari, liveness.build());
    }

    /**
     * Reads a properties file where HikariCP's {@code new HikariConfig(propertyFileName)} would: a path in the file
     * system, else a class-path resource, looked up through HikariCP's class and then its class loader.
     */
    static Properties load(String propertyFileName) {
        Objects.requireNonNull(propertyFileName, "propertyFileName");
        if (propertyFileName.startsWith("jdbc:")) { // not echoed: a URL may carry a password
            throw new IllegalArgumentException("LivenessDataSource.create(String) takes the name of a properties "
                    + "file, not a JDBC URL; for a URL, use create(hikariConfig, livenessConfig)");
        }
        File file = new File(propertyFileName);
        try (InputStream in = file.isFile() ? new FileInputStream(file) : resource(propertyFileName)) {
            if (in == null) {
                throw new IllegalArgumentException("properties file " + propertyFileName
                        + " not found: it is neither a file nor a class-path resource");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read properties file " + propertyFileName, e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = HikariConfig.class.getResourceAsStream(name);
        return in != null ? in : HikariConfig.class.getClassLoader().getResourceAsStream(name);
    }

    /** Parses and keeps {@code raw} for {@code s}; null forgets it, so the default applies again. */
    void set(Setting s, String raw) {
        set(s, null, raw);
    }

    /** The same, for a file's {@code key}, which errors then name. */
    private void set(Setting s, String key, String raw) {
        if (raw == null) {
            values.remove(s);
            return;
        }
        Value earlier = values.get(s);
        if (key != null && earlier != null && !key.equals(earlier.key)) {
            throw new IllegalArgumentException(earlier.key + " and " + key + " are the same setting, written in two "
                    + "shapes: keep one");
        }
        values.put(s, new Value(key, raw, parse(s, key != null ? key : name(s), raw)));
    }

    /** The value as it was set, or null. */
    String get(Setting s) {
        Value v = values.get(s);
        return v == null ? null : v.raw;
    }

    LivenessConfig build() {
        LivenessConfig.Builder b = LivenessConfig.builder();
        List<Setting> missing = new ArrayList<>(KEEPALIVE);
        missing.removeAll(values.keySet());
        if (!missing.isEmpty() && missing.size() < KEEPALIVE.size()) {
            throw new IllegalArgumentException(names(missing) + (missing.size() == 1 ? " is" : " are")
                    + " missing: " + names(KEEPALIVE) + " go together; set all three, or none to derive them from "
                    + name(Setting.DETECTION_BUDGET));
        }
        values.forEach((s, v) -> {
            if (s.apply != null) {
                s.apply.accept(b, v.parsed);
            }
        });
        try {
            if (missing.isEmpty()) {
                b.keepalive((Duration) parsed(Setting.KEEPALIVE_IDLE), (Duration) parsed(Setting.KEEPALIVE_INTERVAL),
                        (Integer) parsed(Setting.KEEPALIVE_COUNT));
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw withKeys(e);
        }
    }

    private Object parsed(Setting s) {
        return values.get(s).parsed;
    }

    /** How errors name {@code s}: the key it was written under, else its key (in a file) or bean property. */
    private String name(Setting s) {
        if (!fileKeys) {
            return s.property;
        }
        Value v = values.get(s);
        return v != null && v.key != null ? v.key : s.key;
    }

    private String names(List<Setting> settings) {
        List<String> names = settings.stream().map(this::name).collect(Collectors.toList());
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    /**
     * The builder's message, which names its settings ({@code probeTimeout (70s) must be ...}), with the keys of those
     * settings put in front: the ones this file set, or, for a conflict with a derived value only, all it names.
     */
    private IllegalArgumentException withKeys(IllegalArgumentException e) {
        if (!fileKeys) {
            return e; // bean properties are named as the builder names them
        }
        String message = e.getMessage();
        Map<Integer, Setting> named = new TreeMap<>(); // in the order the message names them
        for (Setting s : Setting.values()) {
            Matcher m = Pattern.compile("(?<![A-Za-z])" + s.property + "(?![A-Za-z])").matcher(message);
            if (m.find()) {
                named.put(m.start(), s);
            }
        }
        List<Setting> set = named.values().stream().filter(values::containsKey).collect(Collectors.toList());
        List<Setting> keys = set.isEmpty() ? new ArrayList<>(named.values()) : set;
        String prefix = keys.stream().map(this::name).collect(Collectors.joining(", "));
        return new IllegalArgumentException(prefix.isEmpty() ? message : prefix + ": " + message, e);
    }

    private Object parse(Setting s, String name, String raw) {
        String v = raw.strip();
        switch (s.kind) {
            case DURATION:
                return duration(name, raw, v);
            case BOOLEAN:
                if (v.equals("true") || v.equals("false")) {
                    return Boolean.valueOf(v);
                }
                throw new IllegalArgumentException(name + " " + shown(raw) + " must be true or false");
            case COUNT:
                if (WHOLE_NUMBER.matcher(v).matches() && v.length() < 10) {
                    return Integer.valueOf(v); // its bounds are KeepaliveSettings'
                }
                throw new IllegalArgumentException(name + " " + shown(raw) + " must be a whole number between 1 "
                        + "and " + KeepaliveSettings.MAX_COUNT);
            case ROLE:
                for (ServerRole r : ServerRole.values()) {
                    if (r.name().equalsIgnoreCase(v)) {
                        return r;
                    }
                }
                throw new IllegalArgumentException(name + " " + shown(raw) + " must be primary, standby or any");
            default:
                return raw; // SQL as written; the builder refuses a blank one
        }
    }

    private static Duration duration(String name, String raw, String v) {
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " " + shown(raw) + " " + e.getMessage(), e);
        }
    }

    /** The value in parentheses, as the builder shows values; quoted when blank or padded, so the spaces show. */
    private static String shown(String raw) {
        return raw.isBlank() || !raw.equals(raw.strip()) ? "(\"" + raw + "\")" : "(" + raw + ")";
    }

    /** A {@code liveness.*} key's setting, or an error that names the key, the nearest known one, and all of them. */
    private static Setting setting(String key) {
        for (Setting s : Setting.values()) {
            if (s.named(key)) {
                return s;
            }
        }
        String nearest = nearest(key);
        throw new IllegalArgumentException("unknown key " + key + (nearest == null ? "" : " (did you mean "
                + nearest + "?)") + "; the liveness.* keys are " + Arrays.stream(Setting.values()).map(s -> s.key)
                .collect(Collectors.joining(", ")) + ", each also in the shape of its Spring Boot property ("
                + Setting.DETECTION_BUDGET.bootShapedKey + ", " + Setting.WATCHDOG_INTERVAL.bootShapedKey + ", …)");
    }

    /**
     * A liveness setting without its prefix, or with Boot's, would reach HikariCP, which knows no such property: say
     * what is meant, in the shape it was written.
     */
    private static void refuseUnprefixed(String key) {
        boolean boot = key.startsWith(BOOT_PREFIX);
        String suffix = boot ? key.substring(BOOT_PREFIX.length()) : key;
        for (Setting s : Setting.values()) {
            String meant = s.named(PREFIX + suffix) ? PREFIX + suffix : suffix.equals(s.property) ? s.key : null;
            if (meant != null) {
                throw new IllegalArgumentException(key + (boot ? " is a Spring Boot property; in a properties file "
                        + "write it as " : " is a jdbc-liveness setting, not a HikariCP one: write it as ") + meant);
            }
        }
    }

    /** The known key within a few edits of {@code key} (case, a dot, a dash, a typo), or null. */
    private static String nearest(String key) {
        String wanted = key.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setting s : Setting.values()) {
            for (String known : List.of(s.key, s.bootShapedKey)) {
                int d = editDistance(wanted, known.toLowerCase(Locale.ROOT));
                if (d < bestDistance) {
                    best = known;
                    bestDistance = d;
                }
            }
        }
        return bestDistance <= Math.max(2, (wanted.length() - PREFIX.length()) / 4) ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

package io.github.jdbcliveness;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What jdbc-liveness promises, as one number: the <b>detection budget</b> B. Every other setting is derived
 * from it (see the README) and may be overridden; {@link Builder#build()} rejects inconsistent sets with a
 * message that names the settings and their values.
 */
public final class LivenessConfig {

    /** Default detection budget. */
    public static final Duration DEFAULT_DETECTION_BUDGET = Duration.ofSeconds(30);
    /** The largest budget accepted; beyond a day the promise means little and the kernel bounds bite. */
    public static final Duration MAX_DETECTION_BUDGET = Duration.ofHours(24);

    private final Duration detectionBudget;
    private final KeepaliveSettings keepalive;
    private final Duration middleboxIdleTimeout;

    private LivenessConfig(Builder b) {
        this.detectionBudget = b.detectionBudget;
        this.keepalive = b.keepalive != null ? b.keepalive : KeepaliveSettings.forBudget(b.detectionBudget);
        this.middleboxIdleTimeout = b.middleboxIdleTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A config with every default: B = 30 s. */
    public static LivenessConfig defaults() {
        return builder().build();
    }

    public Duration detectionBudget() {
        return detectionBudget;
    }

    /** The per-socket keepalive in force: explicit, or derived from the budget. */
    public KeepaliveSettings keepalive() {
        return keepalive;
    }

    /** The idle timeout of a NAT, firewall or load balancer on the path, if one was declared. */
    public Optional<Duration> middleboxIdleTimeout() {
        return Optional.ofNullable(middleboxIdleTimeout);
    }

    @Override
    public String toString() {
        return "LivenessConfig{detectionBudget=" + Durations.format(detectionBudget) + ", keepalive=" + keepalive
                + middleboxIdleTimeout().map(m -> ", middleboxIdleTimeout=" + Durations.format(m)).orElse("") + "}";
    }

    /** Validating builder; nothing is checked until {@link #build()}, which checks everything. */
    public static final class Builder {
        private Duration detectionBudget = DEFAULT_DETECTION_BUDGET;
        private KeepaliveSettings keepalive;
        private Duration middleboxIdleTimeout;

        private Builder() {
        }

        /** Detection budget B (default 30 s, at least 4 s, at most 24 h). */
        public Builder detectionBudget(Duration budget) {
            this.detectionBudget = Objects.requireNonNull(budget, "detectionBudget");
            return this;
        }

        /** Explicit keepalive instead of the one derived from the budget; must fit within it. */
        public Builder keepalive(KeepaliveSettings settings) {
            this.keepalive = Objects.requireNonNull(settings, "keepalive");
            return this;
        }

        /** Shorthand for {@code keepalive(KeepaliveSettings.of(idle, interval, count))}. */
        public Builder keepalive(Duration idle, Duration interval, int count) {
            return keepalive(KeepaliveSettings.of(idle, interval, count));
        }

        /**
         * The idle timeout of a middlebox on the path (AWS NLB 350 s, Azure LB 240 s, …): keepalive idle must be
         * below it, or the flow is evicted before the first probe.
         */
        public Builder middleboxIdleTimeout(Duration timeout) {
            this.middleboxIdleTimeout = Objects.requireNonNull(timeout, "middleboxIdleTimeout");
            return this;
        }

        public LivenessConfig build() {
            if (detectionBudget.compareTo(KeepaliveSettings.MIN_BUDGET) < 0
                    || detectionBudget.compareTo(MAX_DETECTION_BUDGET) > 0) {
                throw new IllegalArgumentException("detectionBudget (" + Durations.format(detectionBudget)
                        + ") must be between " + Durations.format(KeepaliveSettings.MIN_BUDGET) + " and "
                        + Durations.format(MAX_DETECTION_BUDGET));
            }
            if (middleboxIdleTimeout != null && middleboxIdleTimeout.compareTo(Duration.ofSeconds(2)) < 0) {
                throw new IllegalArgumentException("middleboxIdleTimeout (" + Durations.format(middleboxIdleTimeout)
                        + ") must be at least 2s");
            }
            LivenessConfig config = new LivenessConfig(this);
            KeepaliveSettings k = config.keepalive;
            if (k.detectionTime().compareTo(detectionBudget) > 0) {
                throw new IllegalArgumentException("keepaliveIdle (" + Durations.format(k.idle())
                        + ") + keepaliveCount (" + k.count() + ") × keepaliveInterval ("
                        + Durations.format(k.interval()) + ") = " + Durations.format(k.detectionTime())
                        + " must be within detectionBudget (" + Durations.format(detectionBudget) + ")");
            }
            if (middleboxIdleTimeout != null && k.idle().compareTo(middleboxIdleTimeout) >= 0) {
                throw new IllegalArgumentException("keepaliveIdle (" + Durations.format(k.idle())
                        + ") must be below middleboxIdleTimeout (" + Durations.format(middleboxIdleTimeout)
                        + "): the middlebox would forget the flow before the first probe");
            }
            return config;
        }
    }
}

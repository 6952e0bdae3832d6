package io.github.jdbcliveness;

import java.time.Duration;

/**
 * How long each of jdbc-liveness's paths takes at worst, by a {@link LivenessConfig}'s settings: what
 * {@link LivenessConfig.Builder#build()} checks against the detection budget, and what the {@code audit} reports, so
 * that the two cannot disagree.
 *
 * @param heartbeat        an idle connection that dies right after a probe: the next probe, and its timeout
 *                         ({@code heartbeatInterval + probeTimeout})
 * @param watchdog         a request sent into a dead path: found at one look, confirmed after
 *                         {@code unacknowledgedTimeout}, aborted at the next look
 *                         ({@code 2 × watchdogInterval + unacknowledgedTimeout})
 * @param hostVerdict      a request waiting on a host that hangs or cannot be reached: no answer for one
 *                         {@code heartbeatInterval} starts a check at the next look, whose new connection fails within
 *                         {@code connectTimeout}; after the verdict's grace the request is aborted at the next look
 *                         ({@code heartbeatInterval + watchdogInterval + connectTimeout + grace + watchdogInterval})
 * @param verdictGrace     how long a verdict waits for a late answer before it takes effect:
 *                         {@code min(watchdogInterval, 500 ms)}
 */
public record WorstCases(Duration heartbeat, Duration watchdog, Duration hostVerdict, Duration verdictGrace) {

    /** The host verdict's grace is at most this. */
    public static final Duration VERDICT_GRACE_CAP = Duration.ofMillis(500);

    static WorstCases of(Duration heartbeatInterval, Duration probeTimeout, Duration connectTimeout,
            Duration watchdogInterval, Duration unacknowledgedTimeout) {
        Duration grace = watchdogInterval.compareTo(VERDICT_GRACE_CAP) < 0 ? watchdogInterval : VERDICT_GRACE_CAP;
        return new WorstCases(heartbeatInterval.plus(probeTimeout),
                watchdogInterval.multipliedBy(2).plus(unacknowledgedTimeout),
                heartbeatInterval.plus(watchdogInterval).plus(connectTimeout).plus(grace).plus(watchdogInterval),
                grace);
    }
}

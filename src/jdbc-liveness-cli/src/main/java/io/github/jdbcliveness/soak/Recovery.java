package io.github.jdbcliveness.soak;

/**
 * How one pool came out of one fault, seen from outside.
 *
 * @param refillNanos        from the heal until the pool held its full size, every connection a live session on the
 *                           server; -1 if not before the next fault
 * @param deadLeft           B after the heal, connections the pool held that no longer reached the server (its relay
 *                           had no live pair for them)
 * @param quietEvictions     evictions jdbc-liveness counted in the quiet spell after the fault had settled, when
 *                           nothing was wrong (0 for plain HikariCP, which does not say)
 */
public record Recovery(long refillNanos, int deadLeft, long quietEvictions) {
}

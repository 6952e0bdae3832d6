package io.github.jdbcliveness.audit;

/**
 * One failure mode meeting a connection in one state.
 *
 * @param plain    plain HikariCP with the given pool settings
 * @param liveness jdbc-liveness at the budget
 * @param server   the server noticing that the client is gone
 * @param drill    the drill that shows this row, and whether it can run here
 */
public record Row(Mode mode, Mode.State state, Cell plain, Cell liveness, Cell server, String drill) {
}

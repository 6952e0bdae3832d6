package io.github.jdbcliveness.pool;

import java.sql.SQLException;

/** A probe's round trip was answered by a server in the wrong role ({@link RoleCheck}): the connection must go. */
final class WrongRoleException extends SQLException {

    private static final long serialVersionUID = 1L;

    WrongRoleException(String why) {
        super(why);
    }
}

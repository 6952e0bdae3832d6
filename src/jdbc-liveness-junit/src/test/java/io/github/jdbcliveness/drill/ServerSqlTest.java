package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ServerSqlTest {

    @Test
    void port_readsPostgresClientPort_andTheHostColumnOfMysqlAndMariaDb() {
        assertEquals(40312, ServerSql.port("40312"));
        assertEquals(40312, ServerSql.port("127.0.0.1:40312"));
        assertEquals(5, ServerSql.port("[::1]:5"));
    }

    /** A session over a Unix socket shows no port: it is not one of a pool's TCP sessions, and must not throw. */
    @Test
    void port_isMinusOne_whenTheSessionShowsNone() {
        assertEquals(-1, ServerSql.port(null));
        assertEquals(-1, ServerSql.port("localhost"));
        assertEquals(-1, ServerSql.port("-1"));
        assertEquals(-1, ServerSql.port("127.0.0.1:"));
    }
}

package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.net.Socket;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The sockets of a driver we gave no socket factory, found in its connection's fields: as deep as H2's
 * ({@code JdbcConnection.session.transferList[i].socket}), never in what other connections share.
 */
class DriverSocketsTest {

    /** H2's shape: connection, session, a list of transfers, each with its socket. */
    static final class Transfer {
        private final Socket socket = new Socket();
    }

    static final class Session {
        private final List<Transfer> transferList = new ArrayList<>(List.of(new Transfer()));
    }

    static final class FakeConnection {
        private final Session session;
        private final int[] numbers = {1, 2, 3};

        FakeConnection(Session session) {
            this.session = session;
        }
    }

    @Test
    void findsTheSocketFourHopsDown_throughAList() throws Exception {
        FakeConnection c = new FakeConnection(new Session());
        List<Closeable> found = DriverSockets.find(c);
        assertEquals(List.of(c.session.transferList.get(0).socket), found);
    }

    /** One hop more than H2's: what a driver shares (H2's embedded database reaching its TCP server's sockets). */
    static final class Deeper {
        private final FakeConnection inner = new FakeConnection(new Session());
    }

    @Test
    void looksNoDeeperThanFourHops() throws Exception {
        assertEquals(List.of(), DriverSockets.find(new Deeper()));
    }

    @Test
    void neverEntersAnotherConnectionOrADataSource() throws Exception {
        Socket other = new Socket();
        Object holder = new Object() {
            private final Connection sibling = (Connection) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> null);
            private final DataSource pool = (DataSource) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> null);
            private final Socket mine = other;
        };
        assertEquals(List.of(other), DriverSockets.find(holder));
    }

    @Test
    void closeAll_closesWhatItFound() throws Exception {
        FakeConnection c = new FakeConnection(new Session());
        Socket s = c.session.transferList.get(0).socket;
        assertFalse(s.isClosed());
        assertEquals(1, DriverSockets.closeAll(c));
        assertTrue(s.isClosed());
    }
}

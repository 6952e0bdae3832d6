package io.github.jdbcliveness.bench.stub;

import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;

/** What the stub classes share: the refusal of what they do not model, and {@code unwrap}. */
final class Stubs {

    private Stubs() {
    }

    static SQLFeatureNotSupportedException unsupported(String method) {
        return new SQLFeatureNotSupportedException("the stub driver does not model " + method + "()");
    }

    static SQLException closed(String what) {
        // 08003 "connection does not exist": what a pool's exception override would see from a real driver.
        return new SQLNonTransientConnectionException(what + " is closed", "08003");
    }

    static <T> T unwrap(Object self, Class<T> iface) throws SQLException {
        if (iface.isInstance(self)) {
            return iface.cast(self);
        }
        throw new SQLException(self.getClass().getSimpleName() + " does not wrap " + iface.getName());
    }
}

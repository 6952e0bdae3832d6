package io.github.jdbcliveness.pool;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A database with no network: {@code jdbc:stub:NAME} connects to the stub server of that name. Each connection is
 * a dynamic proxy that records what was done to it; a test kills connections (they then fail every call with
 * SQLState 08006), refuses new ones, or makes probes hang. For unit tests of the pool binding under a real HikariCP;
 * liveness itself is drilled against real servers. Public, with {@link #start()}, {@link #url()},
 * {@link #killAll()}, {@link #connections} and their {@code statements}, for tests in other packages (the Micrometer
 * binder's, the properties file's).
 */
public final class StubServer {

    private static final Map<String, StubServer> SERVERS = new ConcurrentHashMap<>();
    private static final AtomicInteger NAMES = new AtomicInteger();

    static {
        try {
            DriverManager.registerDriver(new StubDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String name;
    public final List<StubConnection> connections = new CopyOnWriteArrayList<>();
    volatile boolean refuseConnects;
    /** While set, isValid and statements on connections opened so far block until it counts down. */
    volatile CountDownLatch hang;
    /** While set, new connections wait for it to count down (a server that accepts nothing and refuses nothing). */
    volatile CountDownLatch connectHang;
    /**
     * The server's {@code read_only}, as the MySQL protocol reports it: {@code SELECT @@global.read_only} answers it,
     * and while it is on a write fails as MariaDB refuses one (error 1290 naming the read-only option).
     */
    volatile boolean readOnly;
    /** How long a connect, an isValid and a statement each take (a round trip). */
    volatile long latencyNanos;
    /** Run on the aborting thread right after a connection's {@code abort()} (a test's look at that moment). */
    volatile Runnable onAbort;
    /** Calls blocked in {@link #hang} right now. */
    final AtomicInteger hanging = new AtomicInteger();

    private StubServer(String name) {
        this.name = name;
    }

    /** How long a test waits for a stub pool to reach a state. */
    public static final java.time.Duration DEADLINE = java.time.Duration.ofSeconds(10);

    /** Waits (polling every 10 ms) until {@code condition} holds, or fails with {@code state} after {@link #DEADLINE}. */
    public static void await(java.util.function.BooleanSupplier condition,
            java.util.function.Supplier<String> state) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not reached within " + DEADLINE + ": " + state.get());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** A new server with a name of its own. */
    public static StubServer start() {
        StubServer s = new StubServer("stub" + NAMES.incrementAndGet());
        SERVERS.put(s.name, s);
        return s;
    }

    public String url() {
        return "jdbc:stub:" + name;
    }

    /** Every connection opened so far dies (as after a server restart); new ones are healthy. */
    public void killAll() {
        connections.forEach(c -> c.dead = true);
    }

    /** The record behind a physical connection this server opened. */
    static StubConnection of(Connection physical) {
        return ((ConnectionHandler) Proxy.getInvocationHandler(physical)).c;
    }

    long open() {
        return connections.stream().filter(c -> !c.closed && !c.aborted).count();
    }

    /** One physical connection's record. */
    public static final class StubConnection {
        final int id;
        volatile boolean dead;
        volatile boolean closed;
        volatile boolean aborted;
        volatile boolean autoCommit = true;
        volatile boolean inTransaction;
        /** In the application's own {@code START TRANSACTION READ ONLY}, until it commits or rolls back. */
        volatile boolean readOnlyTransaction;
        final AtomicInteger rollbacks = new AtomicInteger();
        /** Set by a test while its application thread holds the connection. */
        final AtomicInteger applicationHolds = new AtomicInteger();
        /** isValid calls under way now, and those that ran while an application thread held the connection. */
        final AtomicInteger validating = new AtomicInteger();
        final AtomicInteger validatedWhileHeld = new AtomicInteger();
        public final List<String> statements = new CopyOnWriteArrayList<>();
        final List<String> statementThreads = new CopyOnWriteArrayList<>();

        StubConnection(int id) {
            this.id = id;
        }
    }

    private Connection connect() throws SQLException {
        if (refuseConnects) {
            // As a driver reports a refused TCP connect: the network's exception as the cause (an error with a
            // SQLState and no I/O cause would be the server's own answer).
            throw new SQLException("stub " + name + " refuses connections", "08001",
                    new java.net.ConnectException("Connection refused"));
        }
        roundTrip();
        CountDownLatch gate = connectHang;
        if (gate != null) {
            hold(gate, "connect", "08001");
        }
        StubConnection c = new StubConnection(connections.size() + 1);
        connections.add(c);
        return proxy(Connection.class, new ConnectionHandler(c));
    }

    private void roundTrip() {
        long latency = latencyNanos;
        if (latency > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(latency); // the stub's simulated network, not a wait
        }
    }

    private static <T> T proxy(Class<T> type, InvocationHandler h) {
        return type.cast(Proxy.newProxyInstance(StubServer.class.getClassLoader(), new Class<?>[] {type}, h));
    }

    private void awaitHang() throws SQLException {
        roundTrip();
        CountDownLatch latch = hang;
        if (latch != null) {
            hanging.incrementAndGet();
            try {
                hold(latch, "call", "08006");
            } finally {
                hanging.decrementAndGet();
            }
        }
    }

    /** Blocks until {@code latch} counts down (30 s at most), failing as a driver would with {@code sqlState}. */
    private static void hold(CountDownLatch latch, String what, String sqlState) throws SQLException {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new SQLException("stub " + what + " hang was never released", sqlState,
                        new java.net.SocketTimeoutException(what + " timed out"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", sqlState, e);
        }
    }

    private final class ConnectionHandler implements InvocationHandler {
        private final StubConnection c;

        ConnectionHandler(StubConnection c) {
            this.c = c;
        }

        @Override
        public Object invoke(Object self, Method m, Object[] args) throws Throwable {
            switch (m.getName()) {
                case "close":
                    c.closed = true;
                    return null;
                case "abort":
                    c.aborted = true;
                    Runnable hook = onAbort;
                    if (hook != null) {
                        hook.run();
                    }
                    return null;
                case "isClosed":
                    return c.closed || c.aborted;
                case "unwrap":
                    throw new SQLException("not a wrapper");
                case "isWrapperFor":
                    return false;
                case "toString":
                    return "StubConnection#" + c.id;
                case "hashCode":
                    return System.identityHashCode(self);
                case "equals":
                    return self == args[0];
                default:
                    break;
            }
            if (c.closed || c.aborted) {
                throw new SQLException("stub connection " + c.id + " is closed", "08003");
            }
            switch (m.getName()) {
                case "isValid":
                    c.validating.incrementAndGet();
                    try {
                        heldByApplication();
                        awaitHang();
                        heldByApplication();
                    } finally {
                        c.validating.decrementAndGet();
                    }
                    return !c.dead;
                case "getAutoCommit":
                    return c.autoCommit;
                case "setAutoCommit":
                    c.autoCommit = (Boolean) args[0];
                    c.inTransaction = false;
                    return null;
                case "rollback":
                case "commit":
                    failIfDead();
                    c.rollbacks.incrementAndGet();
                    c.inTransaction = false;
                    c.readOnlyTransaction = false;
                    return null;
                case "createStatement":
                    failIfDead();
                    return proxy(Statement.class, new StatementHandler(c));
                case "getMetaData":
                    return proxy(DatabaseMetaData.class, (p, mm, a) -> mm.getName().equals("getDatabaseProductName")
                            ? "StubDB" : defaultValue(mm.getReturnType()));
                case "getTransactionIsolation":
                    return Connection.TRANSACTION_READ_COMMITTED;
                case "getNetworkTimeout":
                    return 0;
                default:
                    return defaultValue(m.getReturnType());
            }
        }

        private void heldByApplication() {
            if (c.applicationHolds.get() > 0) {
                c.validatedWhileHeld.incrementAndGet();
            }
        }

        private void failIfDead() throws SQLException {
            if (c.dead) {
                throw new SQLException("stub connection " + c.id + " is dead", "08006");
            }
        }
    }

    private final class StatementHandler implements InvocationHandler {
        private final StubConnection c;

        StatementHandler(StubConnection c) {
            this.c = c;
        }

        @Override
        public Object invoke(Object self, Method m, Object[] args) throws Throwable {
            String name = m.getName();
            if (name.startsWith("execute")) {
                awaitHang();
                if (c.dead) {
                    throw new SQLException("stub connection " + c.id + " is dead", "08006");
                }
                String sql = (String) args[0];
                c.statements.add(sql);
                c.statementThreads.add(Thread.currentThread().getName());
                if (!c.autoCommit) {
                    c.inTransaction = true;
                }
                if (sql.equalsIgnoreCase("START TRANSACTION READ ONLY")) {
                    c.readOnlyTransaction = true;
                } else if (isWrite(sql)) {
                    refuseWrite(c);
                } else if (sql.equalsIgnoreCase("SELECT @@global.read_only")) {
                    return oneInt(readOnly ? 1 : 0);
                }
                return name.equals("execute") ? Boolean.FALSE : defaultValue(m.getReturnType());
            }
            if (name.equals("toString")) {
                return "StubStatement";
            }
            return defaultValue(m.getReturnType());
        }
    }

    private static boolean isWrite(String sql) {
        String verb = sql.stripLeading().split("\\s", 2)[0];
        return verb.equalsIgnoreCase("INSERT") || verb.equalsIgnoreCase("UPDATE") || verb.equalsIgnoreCase("DELETE");
    }

    /** A write refused as MariaDB refuses it: in a read-only transaction of the application's, or on a read-only server. */
    private void refuseWrite(StubConnection c) throws SQLException {
        if (c.readOnlyTransaction) {
            throw new SQLException("Cannot execute statement in a READ ONLY transaction", "25006", 1792);
        }
        if (readOnly) {
            throw new SQLException("The MariaDB server is running with the --read-only option so it cannot execute "
                    + "this statement", "HY000", 1290);
        }
    }

    /** A result set of one row and one column. */
    private static java.sql.ResultSet oneInt(int value) {
        boolean[] read = {false};
        return proxy(java.sql.ResultSet.class, (p, m, a) -> switch (m.getName()) {
            case "next" -> {
                boolean first = !read[0];
                read[0] = true;
                yield first;
            }
            case "getInt" -> value;
            case "toString" -> "StubResultSet";
            default -> defaultValue(m.getReturnType());
        });
    }

    private static Object defaultValue(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class || type == short.class || type == byte.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class || type == float.class) {
            return 0.0;
        }
        return null;
    }

    /**
     * Accepts {@code jdbc:stub:NAME} for the servers started in this JVM. Public, with a public constructor, so that
     * a configuration can name it as {@code driverClassName} (Spring Boot needs one for an unknown URL).
     */
    public static final class StubDriver implements Driver {
        public StubDriver() {
        }

        @Override
        public Connection connect(String url, Properties info) throws SQLException {
            if (!acceptsURL(url)) {
                return null;
            }
            StubServer s = SERVERS.get(url.substring("jdbc:stub:".length()));
            if (s == null) {
                throw new SQLException("no stub server for " + url, "08001");
            }
            return s.connect();
        }

        @Override
        public boolean acceptsURL(String url) {
            return url != null && url.startsWith("jdbc:stub:");
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
            return new DriverPropertyInfo[0];
        }

        @Override
        public int getMajorVersion() {
            return 1;
        }

        @Override
        public int getMinorVersion() {
            return 0;
        }

        @Override
        public boolean jdbcCompliant() {
            return false;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getLogger("stub");
        }
    }
}

package io.github.jdbcliveness.pool;

import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.sql.Connection;
import java.sql.Driver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The sockets of a dead connection whose driver gave us none (no socket factory of ours ran), found by walking the
 * connection's own fields: only to close them once the connection is known dead and being discarded. A driver's
 * {@code abort()} should do that, but some do nothing (H2 2.x: {@code JdbcConnection.abort} is empty) and their
 * {@code close()} first waits for the server's answer on the dead path (H2's session close sends a message and reads
 * the reply, under the lock a hung probe holds), so the socket would stay {@code ESTABLISHED} until the kernel gives
 * up: 15 minutes of retransmission on a blackholed path, never behind a peer that ACKs but does not answer.
 *
 * <p>Best effort and bounded: a few hops, a few thousand objects; JDK objects are never opened by reflection (only
 * collections and arrays are read through their public API); the walk does not enter objects that other connections
 * share (drivers, data sources, threads, class loaders), nor another connection, nor large collections (a
 * registry). Whatever cannot be read is skipped: the worst outcome is the driver's own behaviour.
 */
final class DriverSockets {

    /**
     * Hops from the connection to a socket: H2 needs four ({@code JdbcConnection.session.transferList[i].socket}),
     * SQL Server's and Derby's clients two. Deeper lies what a driver shares: H2's embedded mode reaches its
     * {@code AUTO_SERVER} TCP server's client threads, and their sockets, in six.
     */
    private static final int MAX_DEPTH = 4;
    private static final int MAX_OBJECTS = 2_000;
    private static final int MAX_COLLECTION = 64;

    private DriverSockets() {
    }

    /** Closes the sockets found under {@code physical}; returns how many it closed. */
    static int closeAll(Object physical) {
        int closed = 0;
        for (Closeable s : find(physical)) {
            try {
                s.close();
                closed++;
            } catch (IOException | RuntimeException e) {
                // closed already, or closing failed: nothing more to do
            }
        }
        return closed;
    }

    static List<Closeable> find(Object root) {
        List<Closeable> found = new ArrayList<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> queue = new ArrayDeque<>(); // {object, depth}
        queue.add(new Object[] {root, 0});
        seen.add(root);
        while (!queue.isEmpty() && seen.size() < MAX_OBJECTS) {
            Object[] next = queue.poll();
            Object o = next[0];
            int depth = (Integer) next[1];
            if (o instanceof Socket || o instanceof SocketChannel) { // a connection's own stream, never a listener
                found.add((Closeable) o);
                continue;
            }
            if (depth >= MAX_DEPTH || (o != root && shared(o))) {
                continue;
            }
            for (Object child : children(o)) {
                if (child != null && seen.add(child)) {
                    queue.add(new Object[] {child, depth + 1});
                }
            }
        }
        return found;
    }

    /** Objects other connections may share: their sockets are not this connection's to close. */
    private static boolean shared(Object o) {
        return o instanceof Connection || o instanceof DataSource || o instanceof Driver || o instanceof Thread
                || o instanceof ClassLoader || o instanceof Class;
    }

    private static List<Object> children(Object o) {
        Class<?> type = o.getClass();
        List<Object> out = new ArrayList<>();
        if (type.isArray()) {
            if (!type.getComponentType().isPrimitive()) {
                int n = Math.min(Array.getLength(o), MAX_COLLECTION);
                for (int i = 0; i < n; i++) {
                    out.add(Array.get(o, i));
                }
            }
            return out;
        }
        if (jdk(type)) {
            if (o instanceof Collection<?> c && c.size() <= MAX_COLLECTION) {
                try {
                    Collections.addAll(out, c.toArray());
                } catch (RuntimeException e) {
                    // changed under us: skip it
                }
            }
            return out;
        }
        for (Class<?> t = type; t != null && !jdk(t); t = t.getSuperclass()) {
            for (Field f : t.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    out.add(f.get(o));
                } catch (RuntimeException | IllegalAccessException e) {
                    // a module that does not open the package, or a security manager: skip the field
                }
            }
        }
        return out;
    }

    private static boolean jdk(Class<?> type) {
        String n = type.getName();
        return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun.")
                || n.startsWith("com.sun.");
    }
}

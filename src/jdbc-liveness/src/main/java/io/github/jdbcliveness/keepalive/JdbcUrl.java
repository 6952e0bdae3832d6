package io.github.jdbcliveness.keepalive;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JDBC URL read once, on its way in: the driver its subprotocol names, the hosts and ports it names, its
 * parameters, and its redacted form for messages. Everything downstream asks this value instead of reading the text
 * again. Its {@code toString()} is the redacted form: the text may carry a password.
 *
 * @param text       the URL as given, for the driver; never for a message
 * @param kind       the driver its subprotocol names ({@code jdbc:postgresql:}, {@code jdbc:mysql:},
 *                   {@code jdbc:mariadb:}, matched as the drivers match them), or null for any other; which driver
 *                   runs is decided by the one that accepts the URL, not by this
 * @param hosts      the hosts as written in a {@code scheme://host[:port][,host[:port]...]} authority, with the
 *                   kind's default port where none is written (-1 for a kind we do not know); empty when the URL
 *                   names none, or names them in a form not read here (Connector/J's {@code address=(...)})
 * @param parameters the query's parameters ({@code ?a=1&b=2}), keys lower-cased ({@link JdbcUrls#parameters})
 * @param redacted   without user info or parameters ({@link JdbcUrls#redact}): safe for logs and messages
 */
public record JdbcUrl(String text, DriverKind kind, List<HostPort> hosts, Map<String, String> parameters,
        String redacted) {

    /** One host of the URL, and the port it is reached on. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public JdbcUrl {
        Objects.requireNonNull(text, "text");
        hosts = List.copyOf(hosts);
        parameters = Map.copyOf(parameters);
        Objects.requireNonNull(redacted, "redacted");
    }

    /** Reads {@code url}; any text is accepted (a driver of any kind may run), what is not read stays empty. */
    public static JdbcUrl parse(String url) {
        Objects.requireNonNull(url, "jdbcUrl");
        DriverKind kind = DriverKind.ofUrl(url);
        return new JdbcUrl(url, kind, hosts(url, kind), JdbcUrls.parameters(url), JdbcUrls.redact(url));
    }

    /** Whether the user set {@code name} in the URL's parameters (case-insensitively, as the drivers read them). */
    public boolean hasParameter(String name) {
        return parameters.containsKey(name.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * The same URL naming only {@code host}, one of {@link #hosts()}: for a connection to that one host of a
     * multi-host URL. A MySQL-protocol URL's mode ({@code jdbc:mysql:replication:}, {@code jdbc:mariadb:sequential:},
     * ...) is dropped with the other hosts: one host needs none, and a mode may refuse a single host.
     *
     * @throws IllegalArgumentException when {@code host} is not one of this URL's hosts
     */
    public JdbcUrl onlyHost(HostPort host) {
        if (!hosts.contains(host)) {
            throw new IllegalArgumentException(host + " is not a host of " + redacted);
        }
        int[] bounds = hostsBounds(text);
        String scheme = text.substring(0, text.indexOf("://"));
        if (kind == DriverKind.CONNECTOR_J || kind == DriverKind.MARIADB) {
            String[] parts = scheme.split(":", -1);
            scheme = parts[0] + ":" + parts[1];
        }
        String authorityStart = text.substring(text.indexOf("://"), bounds[0]);
        return parse(scheme + authorityStart + host + text.substring(bounds[1]));
    }

    /**
     * Where the host list of a {@code scheme://[userinfo@]hosts/...} URL begins and ends, or null when the URL has
     * none that can be read.
     */
    private static int[] hostsBounds(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return null;
        }
        int start = scheme + 3;
        int end = start;
        while (end < url.length() && url.charAt(end) != '/' && url.charAt(end) != '?') {
            end++;
        }
        int query = url.indexOf('?', start);
        if (url.lastIndexOf('@', query < 0 ? url.length() - 1 : query - 1) >= end) {
            return null; // user info holding a '/': the authority cannot be told from it
        }
        int at = url.lastIndexOf('@', end - 1);
        return new int[] {at >= start ? at + 1 : start, end};
    }

    private static List<HostPort> hosts(String url, DriverKind kind) {
        int[] bounds = hostsBounds(url);
        if (bounds == null) {
            return List.of();
        }
        String authority = url.substring(bounds[0], bounds[1]);
        if (authority.isEmpty() || authority.chars().anyMatch(c -> "()=;@".indexOf(c) >= 0)) {
            return List.of();
        }
        int defaultPort = kind == null ? -1 : kind.defaultPort();
        List<HostPort> hosts = new ArrayList<>();
        for (String one : authority.split(",", -1)) {
            HostPort h = hostPort(one, defaultPort);
            if (h == null) {
                return List.of();
            }
            hosts.add(h);
        }
        return hosts;
    }

    /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; null when it is none of these. */
    private static HostPort hostPort(String s, int defaultPort) {
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return null;
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') != colon) {
                return null; // a bare IPv6 address: not a form a URL may use
            }
            host = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? null : s.substring(colon + 1);
        }
        if (host.isEmpty()) {
            return null;
        }
        if (port == null) {
            return new HostPort(host, defaultPort);
        }
        try {
            int p = Integer.parseInt(port);
            return p > 0 && p <= 65535 ? new HostPort(host, p) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return redacted;
    }
}

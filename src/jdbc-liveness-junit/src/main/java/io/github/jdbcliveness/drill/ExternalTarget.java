package io.github.jdbcliveness.drill;

import io.github.jdbcliveness.keepalive.JdbcUrls;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;

/** A server someone else runs, named by {@code <PREFIX>_URL}, {@code <PREFIX>_USER}, {@code <PREFIX>_PASSWORD}. */
record ExternalTarget(Kind kind, String url, String host, int port, String username, String password)
        implements DatabaseTarget {

    static Optional<DatabaseTarget> fromEnvironment(Kind kind, String prefix, Map<String, String> env) {
        String url = env.get(prefix + "_URL");
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(of(kind, prefix + "_URL", url,
                env.getOrDefault(prefix + "_USER", kind == Kind.POSTGRESQL ? "postgres" : "root"),
                env.get(prefix + "_PASSWORD")));
    }

    /** A server named by {@code url}; {@code setting} names where the URL came from, in errors. */
    static ExternalTarget of(Kind kind, String setting, String url, String username, String password) {
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException(setting + " must be a JDBC URL (jdbc:...), got "
                    + JdbcUrls.redact(url));
        }
        URI uri;
        try {
            uri = new URI(url.substring("jdbc:".length()));
        } catch (URISyntaxException e) {
            // Its message (and so any cause chain) quotes the whole URL, password included: keep only its type.
            throw new IllegalArgumentException(setting + " is not a valid URL (" + e.getClass().getSimpleName()
                    + "), got " + JdbcUrls.redact(url));
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(setting + " must name a host and port, got " + JdbcUrls.redact(url));
        }
        int port = uri.getPort() > 0 ? uri.getPort() : (kind == Kind.POSTGRESQL ? 5432 : 3306);
        return new ExternalTarget(kind, url, uri.getHost(), port, username, password);
    }

    @Override
    public String toString() {
        return "ExternalTarget{" + kind + ", " + JdbcUrls.redact(url) + ", user " + username + "}";
    }

    @Override
    public String origin() {
        return "external";
    }

    @Override
    public String jdbcUrl(String driver) {
        String rest = url.substring(url.indexOf("://"));
        return "jdbc:" + driver + rest;
    }
}

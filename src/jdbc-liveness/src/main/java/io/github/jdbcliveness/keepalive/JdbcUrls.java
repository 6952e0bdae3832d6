package io.github.jdbcliveness.keepalive;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reading JDBC URLs without leaking what they may carry (user, password, tokens). */
public final class JdbcUrls {

    private JdbcUrls() {
    }

    /**
     * The URL reduced to scheme, host list and database: no user info, no parameters. An authority in a form we do
     * not read plainly (Connector/J's {@code (host=..,password=..)} or {@code address=(..)}) is replaced by
     * {@code ***}; so is everything after the subprotocol of a URL without {@code ://} (Oracle's
     * {@code jdbc:oracle:thin:scott/tiger@host}) when it could carry user info. SQL Server's {@code ;property=value}
     * list after the host is dropped whole. Safe for logs and error messages.
     */
    public static String redact(String url) {
        if (url == null) {
            return "null";
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return redactOpaque(url);
        }
        int authorityStart = scheme + 3;
        String prefix = url.substring(0, authorityStart);
        int authorityEnd = firstOf(url, "/?", authorityStart);
        int regionEnd = authorityEnd < 0 ? url.length() : authorityEnd;
        // An '@' past the authority (and before the query) means user info holding a '/': none of it is readable.
        int query = url.indexOf('?', authorityStart);
        if (url.lastIndexOf('@', query < 0 ? url.length() - 1 : query - 1) >= regionEnd) {
            return prefix + "***";
        }
        String region = url.substring(authorityStart, regionEnd);
        int at = region.lastIndexOf('@');
        String userInfo = at < 0 ? "" : region.substring(0, at);
        String authority = region.substring(at + 1);
        if (userInfo.contains("=") || userInfo.contains("(")) {
            // Not user info but properties with an '@' in a value (SQL Server's ;password=p@ss): they start at the
            // first ';', and nothing after that is safe.
            int semi = region.indexOf(';');
            return prefix + (semi < 0 ? "***" : plainOrStars(region.substring(0, semi)));
        }
        int semi = authority.indexOf(';');
        if (semi >= 0) {
            // SQL Server: host[:port];property=value;... The properties run on through any '/' or '?'.
            return prefix + plainOrStars(authority.substring(0, semi));
        }
        authority = plainOrStars(authority);
        String path = "";
        if (authorityEnd >= 0 && url.charAt(authorityEnd) == '/') {
            int pathEnd = firstOf(url, "?;", authorityEnd);
            path = url.substring(authorityEnd, pathEnd < 0 ? url.length() : pathEnd);
        }
        return prefix + authority + path;
    }

    private static String plainOrStars(String authority) {
        return firstOf(authority, "(=;@", 0) >= 0 ? "***" : authority;
    }

    /**
     * A URL without {@code ://}: keeps at most {@code jdbc:}, the subprotocol and a driver type ({@code thin},
     * {@code mem}), each a plain name ending in ':', and keeps the rest only if nothing in it can carry user info or
     * parameters ({@code @ = ; ( ? &}).
     */
    private static String redactOpaque(String url) {
        int end = 0;
        for (int tokens = 0; tokens < 3; tokens++) {
            int i = end;
            if (i >= url.length() || !isAsciiLetter(url.charAt(i))) {
                break;
            }
            while (i < url.length() && (isAsciiLetter(url.charAt(i)) || (url.charAt(i) >= '0' && url.charAt(i) <= '9')
                    || "+.-".indexOf(url.charAt(i)) >= 0)) {
                i++;
            }
            if (i >= url.length() || url.charAt(i) != ':') {
                break;
            }
            end = i + 1;
        }
        return firstOf(url, "@=;(?&", end) < 0 ? url : url.substring(0, end) + "***";
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** The URL's parameters ({@code ?a=1&b=2}), keys lower-cased. All three drivers split on {@code &} only. */
    static Map<String, String> parameters(String url) {
        Map<String, String> params = new LinkedHashMap<>();
        int query = url.indexOf('?');
        if (query < 0) {
            return params;
        }
        for (String pair : url.substring(query + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(decode(key).toLowerCase(Locale.ROOT), decode(value));
        }
        return params;
    }

    private static int firstOf(String s, String chars, int from) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** A {@code password=} property in the query, or {@code user:password@} in the authority. */
    public static boolean hasPassword(String url) {
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        int query = lower.indexOf('?');
        if (query >= 0) {
            for (String pair : lower.substring(query + 1).split("[&;]")) {
                if (pair.trim().startsWith("password=")) {
                    return true;
                }
            }
        }
        int scheme = url.indexOf("://");
        if (scheme >= 0) {
            int start = scheme + 3;
            int end = url.length();
            for (int i = start; i < url.length(); i++) {
                if (url.charAt(i) == '/' || url.charAt(i) == '?') {
                    end = i;
                    break;
                }
            }
            String authority = url.substring(start, end);
            int at = authority.lastIndexOf('@');
            return at > 0 && authority.substring(0, at).contains(":");
        }
        return false;
    }
}

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
     * {@code ***}. Safe for logs and error messages.
     */
    public static String redact(String url) {
        if (url == null) {
            return "null";
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            int cut = firstOf(url, "?;", 0);
            return cut < 0 ? url : url.substring(0, cut);
        }
        int authorityStart = scheme + 3;
        int authorityEnd = firstOf(url, "/?", authorityStart);
        String authority = url.substring(authorityStart, authorityEnd < 0 ? url.length() : authorityEnd);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        if (authority.contains("(") || authority.contains("=") || authority.contains(";")
                || authority.contains("@")) {
            authority = "***";
        }
        String path = "";
        if (authorityEnd >= 0 && url.charAt(authorityEnd) == '/') {
            int pathEnd = firstOf(url, "?;", authorityEnd);
            path = url.substring(authorityEnd, pathEnd < 0 ? url.length() : pathEnd);
        }
        return url.substring(0, authorityStart) + authority + path;
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
}

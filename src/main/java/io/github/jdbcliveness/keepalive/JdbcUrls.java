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

    /** The URL without user info and without its parameters: safe for logs and error messages. */
    public static String redact(String url) {
        if (url == null) {
            return "null";
        }
        String base = url;
        int query = indexOfParameters(base);
        if (query >= 0) {
            base = base.substring(0, query);
        }
        int scheme = base.indexOf("://");
        if (scheme >= 0) {
            int at = base.lastIndexOf('@');
            if (at > scheme) {
                base = base.substring(0, scheme + 3) + base.substring(at + 1);
            }
        }
        return base;
    }

    /** The URL's parameters ({@code ?a=1&b=2}, also {@code ;a=1} as some drivers allow), keys lower-cased. */
    static Map<String, String> parameters(String url) {
        Map<String, String> params = new LinkedHashMap<>();
        int query = indexOfParameters(url);
        if (query < 0) {
            return params;
        }
        for (String pair : url.substring(query + 1).split("[&;]")) {
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

    private static int indexOfParameters(String url) {
        int q = url.indexOf('?');
        int s = url.indexOf(';');
        if (q < 0) {
            return s;
        }
        return s < 0 ? q : Math.min(q, s);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}

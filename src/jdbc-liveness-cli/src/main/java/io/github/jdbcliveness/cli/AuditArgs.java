package io.github.jdbcliveness.cli;

import io.github.jdbcliveness.Durations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The audit command's arguments. A password never comes from argv: from an environment variable
 * ({@code --password-env VAR}) or the first line of standard input ({@code --password-stdin}).
 */
record AuditArgs(Optional<String> url, Optional<String> user, Optional<String> password, Duration budget,
        Optional<Duration> middleboxIdle, Optional<Path> hikariProperties, boolean json, boolean help) {

    static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);

    /** A usage error: its message names the option and repeats the bad value (never a password). */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static AuditArgs parse(String[] args, Map<String, String> env, InputStream stdin) throws UsageException {
        String url = null;
        String user = null;
        String passwordEnv = null;
        boolean passwordStdin = false;
        Duration budget = DEFAULT_BUDGET;
        Duration middlebox = null;
        Path hikari = null;
        boolean json = false;
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--help", "-h" -> {
                    return new AuditArgs(Optional.empty(), Optional.empty(), Optional.empty(), budget,
                            Optional.empty(), Optional.empty(), false, true);
                }
                case "--json" -> json = true;
                case "--password-stdin" -> passwordStdin = true;
                case "--password" -> throw new UsageException("--password is not accepted: a password on the "
                        + "command line shows in the process list; use --password-env VAR or --password-stdin");
                case "--url" -> url = value(args, ++i, option);
                case "--user" -> user = value(args, ++i, option);
                case "--password-env" -> passwordEnv = value(args, ++i, option);
                case "--budget" -> budget = duration(option, value(args, ++i, option));
                case "--middlebox-idle" -> middlebox = duration(option, value(args, ++i, option));
                case "--hikari-properties" -> hikari = Path.of(value(args, ++i, option));
                default -> throw new UsageException("unknown option " + option);
            }
        }
        if (url != null && !url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:mysql:")
                && !url.startsWith("jdbc:mariadb:")) {
            throw new UsageException("--url (" + io.github.jdbcliveness.keepalive.JdbcUrls.redact(url)
                    + ") must be a jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb: URL. The audit models the drivers "
                    + "whose sockets jdbc-liveness sees; with any other driver a pool runs without TCP keepalive, the "
                    + "in-flight watchdog and the borrow-time socket check (no socket to see), and with heartbeats, "
                    + "eviction and the host verdict, which aborts every lease when the host is judged down");
        }
        if (url != null && io.github.jdbcliveness.keepalive.JdbcUrls.hasPassword(url)) {
            throw new UsageException("--url (" + io.github.jdbcliveness.keepalive.JdbcUrls.redact(url) + ") carries "
                    + "a password, which shows in the process list: leave it out of the URL and use --password-env "
                    + "VAR or --password-stdin");
        }
        if (url == null && (user != null || passwordEnv != null || passwordStdin)) {
            throw new UsageException("--user, --password-env and --password-stdin need --url; without it the "
                    + "embedded PostgreSQL is audited");
        }
        if (passwordEnv != null && passwordStdin) {
            throw new UsageException("--password-env (" + passwordEnv + ") and --password-stdin: choose one");
        }
        String password = null;
        if (passwordEnv != null) {
            password = env.get(passwordEnv);
            if (password == null) {
                throw new UsageException("--password-env (" + passwordEnv + "): no such environment variable");
            }
        } else if (passwordStdin) {
            password = firstLine(stdin);
        }
        return new AuditArgs(Optional.ofNullable(url), Optional.ofNullable(user), Optional.ofNullable(password),
                budget, Optional.ofNullable(middlebox), Optional.ofNullable(hikari), json, false);
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static Duration duration(String option, String value) throws UsageException {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " (" + value + ") " + e.getMessage());
        }
    }

    private static String firstLine(InputStream in) throws UsageException {
        try {
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new UsageException("--password-stdin: standard input is empty");
            }
            return line;
        } catch (IOException e) {
            throw new UsageException("--password-stdin: cannot read standard input: " + e.getMessage());
        }
    }
}

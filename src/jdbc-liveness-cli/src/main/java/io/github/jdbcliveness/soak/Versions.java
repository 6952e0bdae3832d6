package io.github.jdbcliveness.soak;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of a library on the class path, as its jar's manifest or Maven descriptor gives it. */
final class Versions {

    private Versions() {
    }

    /** Its version, or "from a checkout" when it runs from compiled classes without a jar. */
    static String of(Class<?> anyClass, String groupId, String artifactId) {
        String v = anyClass.getPackage() == null ? null : anyClass.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        try (InputStream in = anyClass.getResourceAsStream("/META-INF/maven/" + groupId + "/" + artifactId
                + "/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through
        }
        return "from a checkout";
    }
}

package dev.callscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The project's version (written into {@code version.properties} by the build) and the Java version. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"callscope " + version(), "Java " + System.getProperty("java.version")};
    }

    /** The project's version, e.g. "0.1.0-SNAPSHOT", or "dev" when the build did not fill it in. */
    public static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                final Properties p = new Properties();
                p.load(in);
                final String v = p.getProperty("version", "");
                if (!v.isBlank() && !v.contains("${")) {
                    return v.trim();
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        final String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}

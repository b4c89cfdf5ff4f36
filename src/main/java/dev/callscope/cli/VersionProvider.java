package dev.callscope.cli;

import picocli.CommandLine;

/** Version from the jar manifest (or "dev" when run from classes). */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        final String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"callscope " + (v == null ? "dev" : v), "Java " + System.getProperty("java.version")};
    }
}

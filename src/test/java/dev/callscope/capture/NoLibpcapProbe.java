package dev.callscope.capture;

import dev.callscope.core.InputException;

/**
 * Run in a child JVM whose pcap4j is pointed at a library that does not exist; prints
 * {@code kind|message} for each entry point.
 */
public final class NoLibpcapProbe {
    private NoLibpcapProbe() {
    }

    /** @param args a capture file that exists */
    public static void main(final String[] args) {
        probe("list", () -> Interfaces.list());
        probe("file", () -> Pcap4jFileSource.open(args[0], "udp"));
        probe("file-again", () -> Pcap4jFileSource.open(args[0], null));
        probe("live", () -> LiveSource.open("lo", null, 65535, false, 0));
    }

    private interface Action {
        Object run() throws Exception;
    }

    private static void probe(final String name, final Action a) {
        try {
            a.run();
            System.out.println(name + "|OK");
        } catch (final InputException e) {
            System.out.println(name + "|" + e.kind() + "|" + e.getMessage());
        } catch (final Throwable t) {
            System.out.println(name + "|UNEXPECTED|" + t);
        }
    }
}

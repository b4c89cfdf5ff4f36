package dev.callscope.hep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's count of datagrams dropped on a bound UDP socket because its receive buffer was
 * full: the {@code drops} column of {@code /proc/net/udp} and {@code /proc/net/udp6} (Linux), found
 * by the socket's local port.
 */
final class UdpDrops {
    private static final Path[] TABLES = {Path.of("/proc/net/udp"), Path.of("/proc/net/udp6")};

    private UdpDrops() {
    }

    /** Drops of the socket bound to {@code port}, or -1 when no table lists it (not Linux, closed). */
    static long of(final int port) {
        long found = -1;
        for (final Path table : TABLES) {
            final List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | SecurityException e) {
                continue;
            }
            for (int i = 1; i < lines.size(); i++) {
                final long d = drops(lines.get(i), port);
                if (d >= 0) {
                    found = Math.max(found, 0) + d;
                }
            }
        }
        return found;
    }

    /**
     * The drops of one table line when its local port is {@code port}, else -1. A line reads
     * {@code sl local_address rem_address st ... inode ref pointer drops}, the local address as
     * {@code HEXADDR:HEXPORT}.
     */
    static long drops(final String line, final int port) {
        final String[] f = line.trim().split("\\s+");
        if (f.length < 13) {
            return -1;
        }
        final int colon = f[1].lastIndexOf(':');
        if (colon < 0) {
            return -1;
        }
        try {
            if (Integer.parseInt(f[1].substring(colon + 1), 16) != port) {
                return -1;
            }
            return Long.parseLong(f[f.length - 1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

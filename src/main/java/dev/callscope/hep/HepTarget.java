package dev.callscope.hep;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where HEP goes to or is read from: {@code udp:HOST:PORT} or {@code tcp:HOST:PORT} (an IPv6
 * address in brackets, {@code udp:[::1]:9060}), as sngrep's -H and -L take them.
 *
 * @param tcp TCP rather than UDP
 * @param address the resolved address and port
 */
public record HepTarget(boolean tcp, InetSocketAddress address) {

    /**
     * Parses {@code spec}.
     *
     * @throws IllegalArgumentException with a message for the user when it is not of that form or the
     *     host cannot be resolved
     */
    public static HepTarget parse(final String spec) {
        final String s = spec == null ? "" : spec.trim();
        final int colon = s.indexOf(':');
        final String scheme = colon < 0 ? "" : s.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("udp") && !scheme.equals("tcp")) {
            throw new IllegalArgumentException("'" + spec + "' is not udp:HOST:PORT or tcp:HOST:PORT");
        }
        final String rest = s.substring(colon + 1);
        final int last = rest.lastIndexOf(':');
        if (last <= 0 || last == rest.length() - 1) {
            throw new IllegalArgumentException("'" + spec + "' has no HOST:PORT");
        }
        String host = rest.substring(0, last);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("'" + spec + "': write an IPv6 address in brackets, e.g. udp:[::1]:9060");
        }
        final int port;
        try {
            port = Integer.parseInt(rest.substring(last + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + spec + "': the port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + spec + "': the port must be between 1 and 65535");
        }
        try {
            return new HepTarget(scheme.equals("tcp"), new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + spec + "': unknown host " + host);
        }
    }

    @Override
    public String toString() {
        final InetAddress a = address.getAddress();
        final String host = a.getAddress().length == 16 ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        return (tcp ? "tcp:" : "udp:") + host + ":" + address.getPort();
    }
}

package dev.callscope.dissect;

import java.util.Locale;

/**
 * Where a dissector attaches (Wireshark's dissector tables): a UDP or TCP port, or a content type
 * that another dissector hands a body to (SIP gives "application/sdp" bodies to SDP).
 */
public record Binding(Table table, String key) {
    /** The dissector tables. */
    public enum Table { UDP_PORT, TCP_PORT, CONTENT_TYPE }

    public static Binding udpPort(final int port) {
        return new Binding(Table.UDP_PORT, Integer.toString(port));
    }

    public static Binding tcpPort(final int port) {
        return new Binding(Table.TCP_PORT, Integer.toString(port));
    }

    public static Binding contentType(final String type) {
        return new Binding(Table.CONTENT_TYPE, type.toLowerCase(Locale.ROOT));
    }

    // Written out: a record's generated equals and hashCode bootstrap method handles on first use,
    // milliseconds of start-up for a set every run builds.
    @Override
    public boolean equals(final Object o) {
        return o instanceof Binding && ((Binding) o).table == table && ((Binding) o).key.equals(key);
    }

    @Override
    public int hashCode() {
        return 31 * table.hashCode() + key.hashCode();
    }
}

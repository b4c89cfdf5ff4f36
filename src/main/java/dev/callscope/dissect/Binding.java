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
}

package dev.callscope.cli;

import dev.callscope.hep.HepListenSource;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** What a HEP collector (capture --hep-listen) received, as a JSON object and as summary lines. */
final class HepViews {
    private HepViews() {
    }

    static Map<String, Object> json(final HepListenSource.Stats s) {
        final Map<String, Object> o = new LinkedHashMap<>();
        o.put("received", s.received());
        o.put("decoded", s.decoded());
        o.put("malformed", s.malformed());
        o.put("rejected", s.rejected());
        o.put("reports", s.reports());
        o.put("unsupported", s.unsupported());
        o.put("kernel_dropped", s.kernelDropped());
        o.put("queue_dropped", s.queueDropped());
        o.put("connections", s.connections());
        o.put("refused_connections", s.refusedConnections());
        o.put("socket_buffer", s.socketBuffer());
        o.put("reasons", new LinkedHashMap<>(s.reasons()));
        final Map<String, Long> types = new LinkedHashMap<>();
        s.byType().forEach((k, v) -> types.put(String.valueOf(k), v));
        o.put("by_type", types);
        return o;
    }

    /** {@code fields} as a JSON Lines record named {@code record}. */
    static Map<String, Object> record(final String record, final Map<String, Object> fields) {
        final Map<String, Object> o = new LinkedHashMap<>();
        o.put("record", record);
        o.putAll(fields);
        return o;
    }

    static void text(final PrintWriter out, final HepListenSource.Stats s, final String writtenTo) {
        out.println("HEP received: " + s.received() + " packets; " + s.decoded() + " decoded into packets, "
            + s.reports() + " reports (not packets), " + s.malformed() + " malformed, " + s.rejected() + " rejected (auth key), "
            + s.unsupported() + " of another protocol; dropped by the kernel " + s.kernelDropped()
            + " (socket buffer full), by callscope's queue " + s.queueDropped()
            + (writtenTo != null ? "; written to " + writtenTo : ""));
        if (!s.byType().isEmpty()) {
            out.println("HEP types:    " + s.byType().entrySet().stream().map(e -> name(e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", ")));
        }
        if (!s.reasons().isEmpty()) {
            out.println("HEP problems: " + s.reasons().entrySet().stream().map(Map.Entry::toString)
                .map(x -> x.replace('=', ' ')).collect(Collectors.joining(", ")));
        }
    }

    private static String name(final int type) {
        return switch (type) {
            case 0 -> "untyped";
            case 1 -> "SIP";
            case 4 -> "RTP";
            case 5 -> "RTCP";
            case 34 -> "QoS report";
            case 35 -> "RTCP-XR report";
            case 53 -> "DNS";
            case 100 -> "log";
            default -> "type " + type;
        };
    }
}

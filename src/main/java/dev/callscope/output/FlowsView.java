package dev.callscope.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.Endpoint;
import dev.callscope.core.Timestamps;
import dev.callscope.tap.ConversationRecord;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Renders {@code callscope flows}: one row per conversation, both directions. */
public final class FlowsView {
    private FlowsView() {
    }

    private static Endpoint a(final ConversationRecord c) {
        return c.aIsKeyA() ? c.key().endpointA() : c.key().endpointB();
    }

    private static Endpoint b(final ConversationRecord c) {
        return c.aIsKeyA() ? c.key().endpointB() : c.key().endpointA();
    }

    /** The number 'flows' shows: 1 for the first conversation seen, kept when sorted or filtered. */
    public static long index(final ConversationRecord c) {
        return c.id() + 1;
    }

    private static String secs(final long nanos) {
        return Timestamps.secondsText(nanos);
    }

    public static void text(final PrintWriter out, final List<ConversationRecord> rows, final long total, final long firstNanos,
                            final int width) {
        final TextTable t = new TextTable("#", "Proto", "Address A", "Address B", ">Pkts A>B", ">Bytes A>B", ">Pkts B>A",
            ">Bytes B>A", ">Packets", ">Bytes", ">Start s", ">Duration s", "Protocol")
            .shrink("Address A", 12, TextTable.Keep.END).shrink("Address B", 12, TextTable.Keep.END)
            .shrink("Protocol", 8, TextTable.Keep.START)
            .drop("Pkts A>B|Bytes A>B|Pkts B>A|Bytes B>A", "Start s").width(width);
        final List<ConversationRecord> l = rows instanceof java.util.RandomAccess ? rows : new java.util.ArrayList<>(rows);
        t.print(out, l.size(), i -> {
            final ConversationRecord c = l.get(i);
            return new Object[] {index(c), c.key().transportName(), a(c), b(c), c.packetsAtoB(), c.bytesAtoB(), c.packetsBtoA(),
                c.bytesBtoA(), c.packets(), c.bytes(), secs(c.startNanos() - firstNanos), secs(c.endNanos() - c.startNanos()),
                c.protocol().isEmpty() ? "-" : c.protocol()};
        });
        out.println();
        out.println(rows.size() == total ? total + " conversations" : rows.size() + " of " + total + " conversations");
    }

    public static ObjectNode record(final ConversationRecord c, final long firstNanos) {
        final ObjectNode o = Json.object();
        o.put("ts", Timestamps.iso(c.startNanos()));
        o.put("frame", c.firstFrame());
        o.put("flow_id", c.key().toString());
        o.put("proto", c.key().transportName());
        o.put("index", index(c));
        o.put("service", c.protocol().isEmpty() ? null : c.protocol());
        final Endpoint a = a(c);
        final Endpoint b = b(c);
        o.put("a", a.toString());
        o.put("b", b.toString());
        o.put("a_addr", a.host());
        o.put("a_port", a.port());
        o.put("b_addr", b.host());
        o.put("b_port", b.port());
        o.put("packets_a_to_b", c.packetsAtoB());
        o.put("bytes_a_to_b", c.bytesAtoB());
        o.put("packets_b_to_a", c.packetsBtoA());
        o.put("bytes_b_to_a", c.bytesBtoA());
        o.put("packets", c.packets());
        o.put("bytes", c.bytes());
        o.put("rel_start_s", (c.startNanos() - firstNanos) / 1e9);
        o.put("duration_s", (c.endNanos() - c.startNanos()) / 1e9);
        if (c.key().protocol() == 6) {
            final ArrayNode flags = o.putArray("tcp_flags");
            if ((c.tcpFlags() & 0x02) != 0) {
                flags.add("SYN");
            }
            if ((c.tcpFlags() & 0x01) != 0) {
                flags.add("FIN");
            }
            if ((c.tcpFlags() & 0x04) != 0) {
                flags.add("RST");
            }
            o.put("retransmissions", c.retransmissions());
            o.put("gaps", c.gaps());
        }
        o.put("end_reason", c.endReason());
        return o;
    }

    public static ObjectNode json(final List<ConversationRecord> rows, final long total, final long firstNanos) {
        final ObjectNode o = Json.object();
        o.put("total_flows", total);
        o.put("shown", rows.size());
        o.putPOJO("flows", Json.lazyArray(rows, c -> record(c, firstNanos)));
        return o;
    }

    public static void jsonl(final PrintWriter out, final List<ConversationRecord> rows, final long firstNanos) {
        rows.forEach(c -> Json.writeLine(out, record(c, firstNanos)));
    }
}

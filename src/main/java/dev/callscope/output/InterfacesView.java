package dev.callscope.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;

/** Renders {@code callscope interfaces --json/--jsonl}: one record per capture device. */
public final class InterfacesView {
    private InterfacesView() {
    }

    /**
     * One device as {@code callscope interfaces} lists it.
     *
     * @param index the device's number in libpcap's list, from 1, as tshark -D numbers them
     */
    public record Row(int index, String name, String description, boolean loopback, boolean up, List<String> addresses) {
        public Row {
            addresses = List.copyOf(addresses);
        }
    }

    public static ObjectNode record(final Row r) {
        final ObjectNode o = Json.object();
        o.put("index", r.index());
        o.put("name", r.name());
        o.put("description", r.description());
        o.put("loopback", r.loopback());
        o.put("up", r.up());
        final ArrayNode a = o.putArray("addresses");
        r.addresses().forEach(a::add);
        return o;
    }

    public static void json(final PrintWriter out, final List<Row> rows) {
        final ObjectNode o = Json.object();
        final ArrayNode a = o.putArray("interfaces");
        rows.forEach(r -> a.add(record(r)));
        Json.writeDocument(out, o);
    }

    public static void jsonl(final PrintWriter out, final List<Row> rows) {
        rows.forEach(r -> Json.writeLine(out, record(r)));
    }
}

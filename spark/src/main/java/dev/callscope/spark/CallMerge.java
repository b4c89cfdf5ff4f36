package dev.callscope.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.IpFrames;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.flow.Trackers;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.output.Json;
import dev.callscope.output.SipViews;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Joins the parts of one Call-ID that different files held. A call held whole by one file keeps the
 * record that file gave it. The parts that may run on across files are read again as one: their
 * messages, in capture order, go through callscope's own SIP dissector and call tracker, so the
 * joined call's state, timings and message counts are those one reading of both files gives.
 */
final class CallMerge {
    private CallMerge() {
    }

    /** The dissectors, found once per task thread (not once per call): each engine run uses them in turn. */
    private static final ThreadLocal<DissectorRegistry> REGISTRY = ThreadLocal.withInitial(() -> DissectorRegistry.builtIn(Set.of()));

    static List<String> merge(final Iterable<Part.CallPart> group, final JobOptions o) {
        final List<Part.CallPart> parts = new ArrayList<>();
        group.forEach(parts::add);
        parts.sort(Comparator.comparingLong(Part.CallPart::startNanos).thenComparingInt(Part.CallPart::fileOrder));
        final List<String> out = new ArrayList<>();
        final List<Part.CallPart> carried = new ArrayList<>();
        for (final Part.CallPart p : parts) {
            if (p.carried()) {
                carried.add(p);
            } else {
                out.add(p.json());
            }
        }
        if (carried.size() == 1) {
            out.add(carried.get(0).json());
        } else if (!carried.isEmpty()) {
            out.addAll(replay(carried, o));
        }
        return out;
    }

    /** Reads the carried parts' messages again as one capture and returns the calls it gives. */
    private static List<String> replay(final List<Part.CallPart> parts, final JobOptions o) {
        final List<Part.SipWire> wire = new ArrayList<>();
        final Set<String> files = new LinkedHashSet<>();
        for (final Part.CallPart p : parts) {
            wire.addAll(p.wire());
            files.add(p.file());
        }
        wire.sort(Comparator.comparingLong(Part.SipWire::tsNanos));
        final Limits limits = new Limits();
        limits.callLingerNanos = o.lingerNanos();
        final Trackers t = Trackers.of(limits);
        t.rtp().baseNanos(o.baseNanos());
        final Engine engine = new Engine(REGISTRY.get(), new EngineOptions(limits, List.of()), t.taps());
        try {
            engine.run(new WireSource(wire));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        t.sip().closeAll();
        final JsonNode first = parse(parts.get(0).json());
        final List<String> out = new ArrayList<>();
        for (final SipCall c : t.sip().calls()) {
            final ObjectNode call = SipViews.call(c, true, null);
            call.remove("streams"); // the call's streams are rtp_streams rows naming it (read without RTP here)
            // what the replay cannot know: frames, files and transports of the original messages
            final ArrayNode messages = (ArrayNode) call.get("messages");
            if (messages != null) {
                for (final JsonNode n : messages) {
                    final ObjectNode m = (ObjectNode) n;
                    final Part.SipWire w = wire.get((int) m.get("frame").asLong() - 1);
                    m.put("frame", w.frame());
                    m.put("file", w.file());
                    restoreTransport(m, w.transport());
                }
            }
            final Part.SipWire w0 = wire.get((int) c.firstFrame() - 1);
            call.put("frame", w0.frame());
            call.put("index", first.path("index").asInt());
            restoreTransport(call, w0.transport());
            call.put("file", w0.file());
            final ArrayNode fs = call.putArray("files");
            files.forEach(fs::add);
            out.add(call.toString());
        }
        return out;
    }

    private static void restoreTransport(final ObjectNode n, final String transport) {
        if (!"UDP".equals(transport) && n.has("flow_id")) {
            final String f = n.get("flow_id").asText();
            if (f.startsWith("udp ")) {
                n.put("flow_id", "tcp " + f.substring(4));
            }
        }
        if (n.has("transport")) {
            n.put("transport", transport);
        }
    }

    private static JsonNode parse(final String json) {
        try {
            return Json.parse(json);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIP messages as IP/UDP frames, in order. */
    static final class WireSource implements PacketSource {
        private final List<Part.SipWire> wire;
        private int next;

        WireSource(final List<Part.SipWire> wire) {
            this.wire = wire;
        }

        @Override
        public boolean next(final RawFrame f) {
            while (next < wire.size()) {
                final Part.SipWire w = wire.get(next++);
                if (IpFrames.write(f, w.tsNanos(), w.src().length == 16, w.src(), w.srcPort(), w.dst(), w.dstPort(), IpFrames.UDP,
                    0, 0, w.raw(), 0, w.raw().length)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String describe() {
            return "carried SIP messages";
        }

        @Override
        public void close() {
        }
    }
}

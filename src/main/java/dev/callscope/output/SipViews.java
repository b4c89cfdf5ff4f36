package dev.callscope.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.Timestamps;
import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.dissect.sip.SipTls;
import dev.callscope.flow.rtp.CallMedia;
import dev.callscope.flow.rtp.DtmfEvent;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.flow.sip.SipEntry;
import dev.callscope.ladder.Ladder;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/** Renders SIP calls, SIP messages and ladders as text tables and JSON. */
public final class SipViews {

    private SipViews() {
    }

    private static String hms(final long nanos) {
        return Timestamps.clock(nanos);
    }

    private static String ms(final double v) {
        return v < 0 ? "-" : Decimals.fixed(v, 0);
    }

    private static String secs(final double v) {
        return v < 0 ? "-" : Decimals.fixed(v, 3);
    }

    private static String endpoint(final SipCall c, final boolean src) {
        if (c.messageCount() == 0) {
            return "";
        }
        return String.valueOf(src ? c.firstSrc() : c.firstDst());
    }

    // ------------------------------------------------------------------ calls

    public static void callsText(final PrintWriter out, final List<SipCall> calls, final long total) {
        callsText(out, calls, total, 0);
    }

    /** The call table fitted to {@code width} columns (0: every value whole). */
    public static void callsText(final PrintWriter out, final List<SipCall> calls, final long total, final int width) {
        final TextTable t = new TextTable(">#", "Start", "Method", "From", "To", ">Msgs", "Source", "Destination", "State",
            ">Setup ms", ">Duration s", "Call-ID")
            .shrink("From", 12, TextTable.Keep.START).shrink("To", 12, TextTable.Keep.START)
            .shrink("Source", 12, TextTable.Keep.END).shrink("Destination", 12, TextTable.Keep.END)
            .shrink("Call-ID", 12, TextTable.Keep.START)
            .drop("Source|Destination", "Setup ms", "Start").width(width);
        final List<SipCall> l = calls instanceof java.util.RandomAccess ? calls : new java.util.ArrayList<>(calls);
        t.print(out, l.size(), i -> {
            final SipCall c = l.get(i);
            return new Object[] {c.index(), hms(c.startNanos()), c.method(), c.from() == null ? "" : c.from().uri(),
                c.to() == null ? "" : c.to().uri(), c.messageCount(), endpoint(c, true), endpoint(c, false), c.state().label(),
                ms(c.setupTimeMs()), secs(c.durationSeconds()), c.callId()};
        });
        out.println();
        out.println(calls.size() == total ? total + " calls" : calls.size() + " of " + total + " calls");
    }

    public static ObjectNode call(final SipCall c, final boolean withMessages) {
        return Json.tree(g -> writeCall(g, c, withMessages, null));
    }

    /**
     * A call as JSON; with {@code rtp}, {@code streams} holds the RTP streams of the call's media
     * endpoints and a {@code media_verdict} and the call's {@code dtmf} follow (see {@link
     * #call(SipCall, boolean, RtpStreamTracker)}); without, {@code streams} is empty.
     */
    private static void writeCall(final JsonGenerator g, final SipCall c, final boolean withMessages,
                                  final RtpStreamTracker rtp) throws IOException {
        writeCallHead(g, c, withMessages);
        if (rtp == null) {
            g.writeArrayFieldStart("streams");
            g.writeEndArray();
        } else {
            writeMedia(g, c, Media.of(c, rtp));
        }
        g.writeEndObject();
    }

    /** A call's record up to its media, the object left open. */
    private static void writeCallHead(final JsonGenerator g, final SipCall c, final boolean withMessages) throws IOException {
        g.writeStartObject();
        g.writeStringField("ts", Timestamps.iso(c.startNanos()));
        g.writeNumberField("frame", c.firstFrame());
        Json.text(g, "flow_id", c.firstFlow());
        g.writeStringField("proto", "sip");
        g.writeNumberField("index", c.index());
        if (c.part() > 1) {
            g.writeNumberField("part", c.part());
        }
        g.writeStringField("call_id", c.callId());
        g.writeStringField("method", c.method());
        Json.text(g, "from", c.from());
        Json.text(g, "to", c.to());
        g.writeStringField("from_user", c.from() == null ? null : c.from().user());
        g.writeStringField("to_user", c.to() == null ? null : c.to().user());
        g.writeStringField("contact", c.contact() == null ? null : c.contact().uri());
        g.writeStringField("user_agent", c.userAgent());
        g.writeStringField("state", c.state().label());
        g.writeNumberField("last_final_response", c.lastFinalResponse());
        g.writeNumberField("auth_challenges", c.authChallenges());
        g.writeObjectFieldStart("timings");
        Json.numberOrNull(g, "post_dial_delay_ms", c.postDialDelayMs());
        Json.numberOrNull(g, "setup_time_ms", c.setupTimeMs());
        Json.numberOrNull(g, "ring_time_ms", c.ringTimeMs());
        Json.numberOrNull(g, "duration_s", c.durationSeconds());
        g.writeEndObject();
        g.writeNumberField("message_count", c.messageCount());
        g.writeNumberField("transactions", c.transactionCount());
        g.writeNumberField("retransmissions", c.retransmissions());
        strings(g, "dialogs", c.dialogs());
        strings(g, "linked_calls", c.linkedCallIds());
        strings(g, "media", c.mediaEndpoints());
        if (withMessages) {
            g.writeArrayFieldStart("messages");
            for (final SipEntry e : c.entries()) {
                writeMessage(g, e);
            }
            g.writeEndArray();
        }
    }

    private static void writeMedia(final JsonGenerator g, final SipCall c, final Media m) throws IOException {
        RtpViews.writeCallMedia(g, CallMedia.verdict(c, m.streams), m.streams, m.info, m.firstNanos);
    }

    /** What a call's record says of its media, looked up in the tracker. */
    private record Media(List<RtpStream> streams, List<DtmfEvent> info, long firstNanos) {
        static Media of(final SipCall c, final RtpStreamTracker rtp) {
            return new Media(CallMedia.streamsOf(c, rtp), rtp.sipInfoDtmf(c.callId()), rtp.firstNanos());
        }
    }

    /**
     * {@link #callRecord} of a call that is over, with its media looked up now, so that it can be
     * written later on another thread while the tracker reads on; or null when a stream of the call
     * is shared with another call (both legs of a B2BUA), which may still add to it.
     */
    public static Json.Writable finishedCallRecord(final SipCall c, final RtpStreamTracker rtp) {
        final List<RtpStream> streams = CallMedia.streamsOf(c, rtp);
        for (final RtpStream s : streams) {
            if (s.callIds().size() > 1) {
                return null;
            }
        }
        final Media m = new Media(streams, List.copyOf(rtp.sipInfoDtmf(c.callId())), rtp.firstNanos());
        return g -> {
            writeCallHead(g, c, true);
            writeMedia(g, c, m);
            g.writeEndObject();
        };
    }

    private static void strings(final JsonGenerator g, final String name, final Iterable<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (final String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    public static ObjectNode message(final SipEntry e) {
        return Json.tree(g -> writeMessage(g, e));
    }

    /** A message as a JSON Lines record, written without a tree. */
    public static Json.Writable messageRecord(final SipEntry e) {
        return g -> writeMessage(g, e);
    }

    private static void writeMessage(final JsonGenerator g, final SipEntry e) throws IOException {
        final SipMessage m = e.message();
        g.writeStartObject();
        g.writeStringField("ts", Timestamps.iso(m.tsNanos()));
        g.writeNumberField("frame", m.frame());
        Json.text(g, "flow_id", m.flow());
        g.writeStringField("proto", "sip");
        g.writeStringField("src", String.valueOf(m.src()));
        g.writeStringField("dst", String.valueOf(m.dst()));
        g.writeStringField("transport", m.transport());
        if (m.isRequest()) {
            g.writeStringField("method", m.method());
            g.writeStringField("request_uri", m.requestUri());
        } else {
            g.writeNumberField("status_code", m.statusCode());
            g.writeStringField("reason", m.reason());
        }
        g.writeStringField("call_id", m.callId());
        Json.numberOrNull(g, "cseq", m.cseq());
        g.writeStringField("cseq_method", m.cseqMethod());
        g.writeStringField("branch", m.branch());
        g.writeStringField("from_tag", m.from() == null ? null : m.from().tag());
        g.writeStringField("to_tag", m.to() == null ? null : m.to().tag());
        g.writeBooleanField("retransmission", e.retransmission());
        g.writeNumberField("call_index", e.call().index());
        if (e.sdpSummary() != null) {
            g.writeStringField("sdp", e.sdpSummary());
        }
        g.writeEndObject();
    }

    public static ObjectNode callsJson(final List<SipCall> calls, final long total) {
        final ObjectNode o = Json.object();
        o.put("total_calls", total);
        o.put("shown", calls.size());
        o.putPOJO("calls", Json.lazyArray(calls, c -> (Json.Writable) g -> writeCall(g, c, true, null)));
        return o;
    }

    // ------------------------------------------------------------------ messages

    /** SIP over TLS seen (encrypted: no message could be read), one line per conversation and direction. */
    public static void tlsText(final PrintWriter out, final List<SipTls> tls) {
        for (final SipTls t : tls) {
            out.println("SIP over TLS (encrypted, not decoded): " + src(t) + " -> " + dst(t) + ", " + t.version()
                + ", first record in frame " + t.frame());
        }
    }

    private static dev.callscope.core.Endpoint src(final SipTls t) {
        return t.direction() == dev.callscope.core.Direction.A_TO_B ? t.flow().endpointA() : t.flow().endpointB();
    }

    private static dev.callscope.core.Endpoint dst(final SipTls t) {
        return t.direction() == dev.callscope.core.Direction.A_TO_B ? t.flow().endpointB() : t.flow().endpointA();
    }

    public static ArrayNode tlsJson(final List<SipTls> tls) {
        final ArrayNode arr = Json.array();
        for (final SipTls t : tls) {
            final ObjectNode o = arr.addObject();
            o.put("ts", Timestamps.iso(t.tsNanos()));
            o.put("frame", t.frame());
            o.put("flow_id", t.flow().toString());
            o.put("proto", "sip");
            o.put("encrypted", true);
            o.put("src", src(t).toString());
            o.put("dst", dst(t).toString());
            o.put("tls_version", t.version());
        }
        return arr;
    }

    /** One row of the message table, kept instead of the message itself on long captures. */
    public record MessageRow(long frame, long tsNanos, Object src, Object dst, String transport, String info, SipCall call) {
    }

    /** The table row of a message. */
    public static MessageRow row(final SipEntry e) {
        final SipMessage m = e.message();
        return new MessageRow(m.frame(), m.tsNanos(), shared(m.src(), e.call()), shared(m.dst(), e.call()), m.transport(),
            m.summary() + (e.sdpSummary() != null ? " (SDP)" : "") + (e.retransmission() ? " [retransmission]" : ""), e.call());
    }

    /** The call's own copy of an endpoint its first message named (rows of one call share them). */
    private static Object shared(final dev.callscope.core.Endpoint ep, final SipCall c) {
        if (ep == null) {
            return null;
        }
        return ep.equals(c.firstSrc()) ? c.firstSrc() : ep.equals(c.firstDst()) ? c.firstDst() : ep;
    }

    /** The message table's columns, fitted to {@code width} (0: whole). */
    private static TextTable messageTable(final int width) {
        return new TextTable(">Frame", ">Time", "Source", "Destination", "Proto", "Info", ">Call")
            .shrink("Source", 12, TextTable.Keep.END).shrink("Destination", 12, TextTable.Keep.END)
            .shrink("Info", 16, TextTable.Keep.START).width(width);
    }

    /** The message table from rows (see {@link #row}). */
    public static void rowsText(final PrintWriter out, final List<MessageRow> rows, final long firstNanos, final int width) {
        final TextTable t = messageTable(width);
        final List<MessageRow> l = rows instanceof java.util.RandomAccess ? rows : new java.util.ArrayList<>(rows);
        t.print(out, l.size(), i -> {
            final MessageRow r = l.get(i);
            return new Object[] {r.frame(), Timestamps.secondsText(r.tsNanos() - firstNanos), r.src(), r.dst(), r.transport(),
                r.info(), r.call().index()};
        });
        out.println();
        out.println(rows.size() + " SIP messages");
    }

    public static void messagesText(final PrintWriter out, final List<SipEntry> entries, final long firstNanos,
                                    final int width) {
        final TextTable t = messageTable(width);
        for (final SipEntry e : entries) {
            final SipMessage m = e.message();
            t.row(m.frame(), Timestamps.secondsText(m.tsNanos() - firstNanos), m.src(), m.dst(),
                m.transport(), m.summary() + (e.sdpSummary() != null ? " (SDP)" : "") + (e.retransmission() ? " [retransmission]" : ""),
                e.call().index());
        }
        t.print(out);
        out.println();
        out.println(entries.size() + " SIP messages");
    }

    public static ObjectNode statsJson(final SipCallTracker t) {
        final ObjectNode o = Json.object();
        o.put("messages", t.messages().size());
        o.put("retransmissions", t.resentMessages());
        final ObjectNode req = o.putObject("requests");
        t.requestsByMethod().forEach(req::put);
        final ObjectNode resp = o.putObject("responses");
        t.responsesByCode().forEach((k, v) -> resp.put(String.valueOf(k), v));
        return o;
    }

    // ------------------------------------------------------------------ ladders

    public static ObjectNode ladderJson(final Ladder l) {
        final ObjectNode o = Json.object();
        o.put("title", l.title());
        final ArrayNode lanes = o.putArray("lanes");
        l.lanes().forEach(lane -> lanes.addObject().put("id", lane.id()).put("label", lane.label()));
        final ArrayNode steps = o.putArray("steps");
        for (final Ladder.Step s : l.steps()) {
            final ObjectNode j = steps.addObject();
            j.put("ts", Timestamps.iso(s.tsNanos()));
            if (s instanceof Ladder.Arrow a) {
                j.put("type", "arrow");
                j.put("frame", a.frame());
                j.put("from", a.from());
                j.put("to", a.to());
                j.put("label", a.label());
                final ArrayNode d = j.putArray("details");
                a.details().forEach(d::add);
                final ArrayNode f = j.putArray("flags");
                a.flags().forEach(f::add);
            } else if (s instanceof Ladder.Bar b) {
                j.put("type", "bar");
                j.put("end_ts", Timestamps.iso(b.endNanos()));
                j.put("from", b.from());
                j.put("to", b.to());
                j.put("label", b.label());
            } else if (s instanceof Ladder.Note n) {
                j.put("type", "note");
                j.put("lane", n.lane());
                j.put("text", n.text());
            }
        }
        return o;
    }

    // ------------------------------------------------------------------ calls with media (RTP)

    /**
     * As {@link #call(SipCall, boolean)}, with {@code streams} filled from the RTP streams of the
     * call's media endpoints, a {@code media_verdict} ("ok", "no media", "one-way audio", "-" for
     * calls never answered) and the call's {@code dtmf} (SIP INFO and RFC 4733).
     */
    public static ObjectNode call(final SipCall c, final boolean withMessages, final RtpStreamTracker rtp) {
        return Json.tree(callRecord(c, withMessages, rtp));
    }

    /** As {@link #call(SipCall, boolean, RtpStreamTracker)}, written without a tree (JSON Lines). */
    public static Json.Writable callRecord(final SipCall c, final boolean withMessages, final RtpStreamTracker rtp) {
        return g -> writeCall(g, c, withMessages, rtp);
    }

    /** As {@link #callsJson(List, long)}, each call with its media. */
    public static ObjectNode callsJson(final List<SipCall> calls, final long total, final RtpStreamTracker rtp) {
        final ObjectNode o = Json.object();
        o.put("total_calls", total);
        o.put("shown", calls.size());
        o.putPOJO("calls", Json.lazyArray(calls, c -> callRecord(c, true, rtp)));
        return o;
    }
}

package dev.callscope.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.Timestamps;
import dev.callscope.flow.rtp.CallMedia;
import dev.callscope.flow.rtp.DtmfEvent;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.rtp.RtpStreamTracker;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders RTP streams (tshark's rtp,streams plus MOS and DTMF), their time series and DTMF as text and JSON. */
public final class RtpViews {
    /** What the MOS number is, for readers of the JSON. */
    public static final String MOS_NOTE = "estimate: ITU-T G.107 E-model from codec, loss and jitter (delay proxy)";

    private RtpViews() {
    }

    private static String f3(final double v) {
        return Decimals.fixed(v, 3);
    }

    private static String rel(final long nanos, final long first) {
        return Timestamps.secondsText(nanos - first);
    }

    /** The DTMF digits of a list, concatenated ("12*#"). */
    static String digits(final List<DtmfEvent> events) {
        final StringBuilder sb = new StringBuilder();
        for (final DtmfEvent e : events) {
            sb.append(e.digit().length() == 1 ? e.digit() : "[" + e.digit() + "]");
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ text

    public static void text(final PrintWriter out, final RtpStreamTracker t, final boolean withIntervals, final int width) {
        text(out, t, t.streams(), withIntervals, width);
    }

    /**
     * The table of {@code streams} (those a streaming tracker handed on), with the tracker's totals,
     * fitted to {@code width} columns (0: every value whole).
     */
    public static void text(final PrintWriter out, final RtpStreamTracker t, final List<RtpStream> streams,
                            final boolean withIntervals, final int width) {
        final long first = t.firstNanos();
        final TextTable table = new TextTable(">#", ">Start", ">End", "Source", "Destination", "SSRC", "Payload", ">Pkts",
            ">Lost", ">Max Delta(ms)", ">Mean Jitter(ms)", ">Max Jitter(ms)", ">Max Skew(ms)", ">MOS~", "Problems?", "DTMF")
            .shrink("Source", 12, TextTable.Keep.END).shrink("Destination", 12, TextTable.Keep.END)
            .shrink("Payload", 9, TextTable.Keep.START).shrink("DTMF", 4, TextTable.Keep.START)
            .drop("Max Skew(ms)", "Max Delta(ms)", "Mean Jitter(ms)", "Start|End", "SSRC", "Max Jitter(ms)").width(width);
        final List<RtpStream> l = streams instanceof java.util.RandomAccess ? streams : new ArrayList<>(streams);
        table.print(out, l.size(), i -> {
            final RtpStream s = l.get(i);
            return new Object[] {s.index(), rel(s.startNanos(), first), rel(s.endNanos(), first), s.src(), s.dst(), s.ssrcHex(),
                String.join(", ", s.codecNames()), s.packets(),
                s.lost() + " (" + Decimals.fixed(s.lostPercent(), 1) + "%)", f3(s.maxDeltaMs()),
                f3(s.meanJitterMs()), f3(s.maxJitterMs()), f3(s.maxSkewMs()),
                Decimals.fixed(s.mosEstimate(), 2), s.problem() ? "X" : "", digits(s.dtmf())};
        });
        out.println();
        out.println(streams.size() + " RTP streams, " + t.rtcpPackets() + " RTCP packets (MOS~ is an E-model estimate)");
        CapLines.rtp(t, t.maxStreams()).forEach(out::println);
        for (final RtpStream s : streams) {
            if (s.srtpDecrypted() > 0 || s.srtpAuthFailures() > 0) {
                TextTable.wrap("SRTP on stream " + s.index() + " (" + s.ssrcHex() + "): " + s.srtpDecrypted() + " packets decrypted"
                    + (s.srtpAuthFailures() > 0 ? ", " + s.srtpAuthFailures() + " failed authentication (a wrong key, or not SRTP)" : ""),
                    width, 2).forEach(out::println);
            }
        }
        final List<DtmfEvent> dtmf = new ArrayList<>(t.sipInfoDtmf());
        streams.forEach(s -> dtmf.addAll(s.dtmf()));
        dtmf.sort(java.util.Comparator.comparingLong(DtmfEvent::startNanos).thenComparingLong(DtmfEvent::frame));
        if (!dtmf.isEmpty()) {
            out.println();
            final TextTable d = new TextTable(">Frame", ">Time", "Source", "Destination", "Via", "Digit", ">Duration(ms)", "End")
                .shrink("Source", 12, TextTable.Keep.END).shrink("Destination", 12, TextTable.Keep.END).width(width);
            for (final DtmfEvent e : dtmf) {
                d.row(e.frame(), rel(e.startNanos(), first), e.src(), e.dst(), e.source(), e.digit(),
                    e.durationMs() < 0 ? "-" : Decimals.fixed(e.durationMs(), 0), e.ended() ? "yes" : "no");
            }
            d.print(out);
            out.println();
            out.println(dtmf.size() + " DTMF events");
        }
        boolean rtcp = false;
        for (final RtpStream s : streams) {
            if (!s.rtcpReports().isEmpty()) {
                if (!rtcp) {
                    out.println();
                    rtcp = true;
                }
                final RtpStream.RtcpReport r = s.rtcpReports().get(s.rtcpReports().size() - 1);
                TextTable.wrap(String.format(Locale.ROOT, "RTCP on stream %d (%s): %d reports, last: fraction lost %.1f%%, "
                        + "cumulative lost %s, jitter %s ms, RTT %s ms", s.index(), s.ssrcHex(), s.rtcpReports().size(), r.fractionLostPercent(),
                    r.cumulativeLost() < 0 && "XR".equals(r.type()) ? "-" : Long.toString(r.cumulativeLost()),
                    r.jitterMs() < 0 ? "-" : f3(r.jitterMs()), s.rttMs() < 0 ? "-" : f3(s.rttMs())), width, 2).forEach(out::println);
            }
        }
        if (withIntervals) {
            for (final RtpStream s : streams) {
                out.println();
                out.println("Stream " + s.index() + " " + s.src() + " -> " + s.dst() + " " + s.ssrcHex());
                final TextTable i = new TextTable(">Time", ">Pkts", ">Lost", ">Mean Jitter(ms)", ">Max Jitter(ms)");
                for (final RtpStream.Interval v : s.intervals()) {
                    i.row(rel(v.startNanos(), first), v.packets(), v.lost(), f3(v.meanJitterMs()), f3(v.maxJitterMs()));
                }
                i.print(out);
            }
        }
    }

    // ------------------------------------------------------------------ JSON

    /** One stream as a JSON record (every record starts with ts, frame, flow_id, proto). */
    public static ObjectNode stream(final RtpStream s, final long firstNanos) {
        return Json.tree(streamRecord(s, firstNanos));
    }

    /** As {@link #stream}, written without a tree (JSON Lines). */
    public static Json.Writable streamRecord(final RtpStream s, final long firstNanos) {
        return g -> writeStream(g, s, firstNanos);
    }

    private static void writeStream(final JsonGenerator g, final RtpStream s, final long firstNanos) throws IOException {
        g.writeStartObject();
        g.writeStringField("ts", Timestamps.iso(s.startNanos()));
        g.writeNumberField("frame", s.firstFrame());
        g.writeStringField("flow_id", s.flow().toString());
        g.writeStringField("proto", "rtp");
        g.writeNumberField("index", s.index());
        g.writeStringField("ssrc", s.ssrcHex());
        g.writeStringField("src", s.src().toString());
        g.writeStringField("dst", s.dst().toString());
        g.writeStringField("transport", s.transport());
        g.writeNumberField("payload_type", s.payloadType());
        g.writeStringField("codec", s.codec());
        g.writeArrayFieldStart("payload_types");
        for (final Map.Entry<Integer, Long> e : s.payloadTypes().entrySet()) {
            g.writeStartObject();
            g.writeNumberField("payload_type", e.getKey());
            g.writeStringField("codec", s.codecOf(e.getKey()));
            g.writeNumberField("packets", e.getValue());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeFieldName("clock_rate");
        if (s.clockRate() == 0) {
            g.writeNull();
        } else {
            g.writeNumber(s.clockRate());
        }
        g.writeStringField("start", Timestamps.iso(s.startNanos()));
        g.writeStringField("end", Timestamps.iso(s.endNanos()));
        g.writeNumberField("start_rel_s", (s.startNanos() - firstNanos) / 1e9);
        g.writeNumberField("duration_s", s.durationSeconds());
        g.writeNumberField("packets", s.packets());
        g.writeNumberField("bytes", s.bytes());
        g.writeNumberField("expected", s.expected());
        g.writeNumberField("lost", s.lost());
        g.writeNumberField("lost_percent", round(s.lostPercent()));
        g.writeNumberField("sequence_errors", s.sequenceErrors());
        g.writeNumberField("duplicates", s.duplicates());
        g.writeNumberField("out_of_order", s.outOfOrder());
        g.writeNumberField("wrong_timestamps", s.wrongTimestamps());
        g.writeNumberField("markers", s.markers());
        if (s.srtpDecrypted() > 0 || s.srtpAuthFailures() > 0) {
            g.writeObjectFieldStart("srtp");
            g.writeNumberField("decrypted", s.srtpDecrypted());
            g.writeNumberField("auth_failures", s.srtpAuthFailures());
            g.writeEndObject();
        }
        Json.numberOrNull(g, "min_delta_ms", s.minDeltaMs() < 0 ? -1 : round(s.minDeltaMs()));
        g.writeNumberField("mean_delta_ms", round(s.meanDeltaMs()));
        g.writeNumberField("max_delta_ms", round(s.maxDeltaMs()));
        g.writeNumberField("max_delta_frame", s.maxDeltaFrame());
        Json.numberOrNull(g, "min_jitter_ms", s.minJitterMs() < 0 ? -1 : round(s.minJitterMs()));
        g.writeNumberField("mean_jitter_ms", round(s.meanJitterMs()));
        g.writeNumberField("max_jitter_ms", round(s.maxJitterMs()));
        g.writeNumberField("max_skew_ms", round(s.maxSkewMs()));
        g.writeBooleanField("problem", s.problem());
        g.writeNumberField("mos_estimate", Math.round(s.mosEstimate() * 100) / 100.0);
        g.writeNumberField("r_factor_estimate", Math.round(s.rFactorEstimate() * 10) / 10.0);
        g.writeStringField("mos_note", MOS_NOTE);
        g.writeArrayFieldStart("rtcp");
        for (final RtpStream.RtcpReport r : s.rtcpReports()) {
            g.writeStartObject();
            g.writeStringField("ts", Timestamps.iso(r.tsNanos()));
            g.writeNumberField("frame", r.frame());
            g.writeStringField("type", r.type());
            g.writeNumberField("fraction_lost_percent", round(r.fractionLostPercent()));
            if (!"XR".equals(r.type())) {
                g.writeNumberField("cumulative_lost", r.cumulativeLost());
                g.writeNumberField("jitter_ms", round(r.jitterMs()));
            }
            Json.numberOrNull(g, "rtt_ms", r.rttMs() < 0 ? -1 : round(r.rttMs()));
            if (r.xrMos() >= 0) {
                g.writeNumberField("xr_mos_lq", r.xrMos());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        Json.numberOrNull(g, "rtt_ms", s.rttMs() < 0 ? -1 : round(s.rttMs()));
        g.writeArrayFieldStart("dtmf");
        for (final DtmfEvent e : s.dtmf()) {
            writeDtmf(g, e);
        }
        g.writeEndArray();
        if (!s.intervals().isEmpty()) {
            g.writeArrayFieldStart("intervals");
            for (final RtpStream.Interval v : s.intervals()) {
                g.writeStartObject();
                g.writeStringField("ts", Timestamps.iso(v.startNanos()));
                g.writeNumberField("rel_s", (v.startNanos() - firstNanos) / 1e9);
                g.writeNumberField("packets", v.packets());
                g.writeNumberField("lost", v.lost());
                g.writeNumberField("mean_jitter_ms", round(v.meanJitterMs()));
                g.writeNumberField("max_jitter_ms", round(v.maxJitterMs()));
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    public static ObjectNode dtmf(final DtmfEvent e) {
        return Json.tree(dtmfRecord(e));
    }

    /** As {@link #dtmf}, written without a tree (JSON Lines). */
    public static Json.Writable dtmfRecord(final DtmfEvent e) {
        return g -> writeDtmf(g, e);
    }

    private static void writeDtmf(final JsonGenerator g, final DtmfEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("ts", Timestamps.iso(e.startNanos()));
        g.writeNumberField("frame", e.frame());
        g.writeNullField("flow_id");
        g.writeStringField("proto", "dtmf");
        g.writeStringField("source", e.source());
        g.writeStringField("digit", e.digit());
        Json.numberOrNull(g, "event", e.event());
        Json.numberOrNull(g, "duration_ms", e.durationMs() < 0 ? -1 : round(e.durationMs()));
        Json.numberOrNull(g, "volume", e.volume());
        g.writeBooleanField("ended", e.ended());
        g.writeStringField("src", e.src());
        g.writeStringField("dst", e.dst());
        if (e.ssrc() >= 0) {
            g.writeStringField("ssrc", RtpStream.ssrcHex(e.ssrc()));
        }
        if (e.callId() != null) {
            g.writeStringField("call_id", e.callId());
        }
        g.writeEndObject();
    }

    public static ObjectNode json(final RtpStreamTracker t) {
        final ObjectNode o = Json.object();
        o.putPOJO("streams", Json.lazyArray(t.streams(), s -> streamRecord(s, t.firstNanos())));
        final ArrayNode info = o.putArray("sip_info_dtmf");
        t.sipInfoDtmf().forEach(e -> info.add(dtmf(e)));
        o.put("rtcp_packets", t.rtcpPackets());
        if (t.streamsLimitHits() > 0) {
            o.put("streams_limit_hits", t.streamsLimitHits());
            o.put("dropped_one_packet_streams", t.droppedOnePacket());
        }
        if (t.shedStreams() > 0) {
            o.put("dropped_streams_heap", t.shedStreams());
        }
        if (t.intervalsDropped() > 0) {
            o.put("dropped_intervals", t.intervalsDropped());
        }
        final ObjectNode types = o.putObject("rtcp_types");
        t.rtcpTypes().forEach((k, v) -> types.put(String.valueOf(k), v));
        return o;
    }

    public static void jsonl(final PrintWriter out, final RtpStreamTracker t) {
        t.streams().forEach(s -> Json.writeLine(out, streamRecord(s, t.firstNanos())));
        t.sipInfoDtmf().forEach(e -> Json.writeLine(out, dtmfRecord(e)));
    }

    /** The media of a call for {@code calls --json}: its streams, DTMF and a verdict on the media. */
    static void writeCallMedia(final JsonGenerator g, final CallMedia.Verdict verdict, final List<RtpStream> streams,
                               final List<DtmfEvent> sipDtmf, final long firstNanos) throws IOException {
        g.writeArrayFieldStart("streams");
        for (final RtpStream s : streams) {
            writeStream(g, s, firstNanos);
        }
        g.writeEndArray();
        g.writeStringField("media_verdict", verdict.label());
        g.writeArrayFieldStart("dtmf");
        for (final DtmfEvent e : sipDtmf) {
            writeDtmf(g, e);
        }
        for (final RtpStream s : streams) {
            for (final DtmfEvent e : s.dtmf()) {
                writeDtmf(g, e);
            }
        }
        g.writeEndArray();
    }

    private static double round(final double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}

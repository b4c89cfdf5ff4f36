package dev.callscope.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.Timestamps;
import dev.callscope.flow.rtp.CallMedia;
import dev.callscope.flow.rtp.DtmfEvent;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.rtp.RtpStreamTracker;
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
        return String.format(Locale.ROOT, "%.3f", v);
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
                s.lost() + String.format(Locale.ROOT, " (%.1f%%)", s.lostPercent()), f3(s.maxDeltaMs()),
                f3(s.meanJitterMs()), f3(s.maxJitterMs()), f3(s.maxSkewMs()),
                String.format(Locale.ROOT, "%.2f", s.mosEstimate()), s.problem() ? "X" : "", digits(s.dtmf())};
        });
        out.println();
        out.println(streams.size() + " RTP streams, " + t.rtcpPackets() + " RTCP packets (MOS~ is an E-model estimate)");
        CapLines.rtp(t, t.maxStreams()).forEach(out::println);
        final List<DtmfEvent> dtmf = new ArrayList<>(t.sipInfoDtmf());
        streams.forEach(s -> dtmf.addAll(s.dtmf()));
        dtmf.sort(java.util.Comparator.comparingLong(DtmfEvent::startNanos).thenComparingLong(DtmfEvent::frame));
        if (!dtmf.isEmpty()) {
            out.println();
            final TextTable d = new TextTable(">Frame", ">Time", "Source", "Destination", "Via", "Digit", ">Duration(ms)", "End")
                .shrink("Source", 12, TextTable.Keep.END).shrink("Destination", 12, TextTable.Keep.END).width(width);
            for (final DtmfEvent e : dtmf) {
                d.row(e.frame(), rel(e.startNanos(), first), e.src(), e.dst(), e.source(), e.digit(),
                    e.durationMs() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", e.durationMs()), e.ended() ? "yes" : "no");
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
        final ObjectNode o = Json.object();
        o.put("ts", Timestamps.iso(s.startNanos()));
        o.put("frame", s.firstFrame());
        o.put("flow_id", s.flow().toString());
        o.put("proto", "rtp");
        o.put("index", s.index());
        o.put("ssrc", s.ssrcHex());
        o.put("src", s.src().toString());
        o.put("dst", s.dst().toString());
        o.put("transport", s.transport());
        o.put("payload_type", s.payloadType());
        o.put("codec", s.codec());
        final ArrayNode pts = o.putArray("payload_types");
        for (final Map.Entry<Integer, Long> e : s.payloadTypes().entrySet()) {
            pts.addObject().put("payload_type", e.getKey()).put("codec", s.codecOf(e.getKey())).put("packets", e.getValue());
        }
        o.put("clock_rate", s.clockRate() == 0 ? null : s.clockRate());
        o.put("start", Timestamps.iso(s.startNanos()));
        o.put("end", Timestamps.iso(s.endNanos()));
        o.put("start_rel_s", (s.startNanos() - firstNanos) / 1e9);
        o.put("duration_s", s.durationSeconds());
        o.put("packets", s.packets());
        o.put("bytes", s.bytes());
        o.put("expected", s.expected());
        o.put("lost", s.lost());
        o.put("lost_percent", round(s.lostPercent()));
        o.put("sequence_errors", s.sequenceErrors());
        o.put("duplicates", s.duplicates());
        o.put("out_of_order", s.outOfOrder());
        o.put("wrong_timestamps", s.wrongTimestamps());
        o.put("markers", s.markers());
        o.put("min_delta_ms", s.minDeltaMs() < 0 ? null : round(s.minDeltaMs()));
        o.put("mean_delta_ms", round(s.meanDeltaMs()));
        o.put("max_delta_ms", round(s.maxDeltaMs()));
        o.put("max_delta_frame", s.maxDeltaFrame());
        o.put("min_jitter_ms", s.minJitterMs() < 0 ? null : round(s.minJitterMs()));
        o.put("mean_jitter_ms", round(s.meanJitterMs()));
        o.put("max_jitter_ms", round(s.maxJitterMs()));
        o.put("max_skew_ms", round(s.maxSkewMs()));
        o.put("problem", s.problem());
        o.put("mos_estimate", Math.round(s.mosEstimate() * 100) / 100.0);
        o.put("r_factor_estimate", Math.round(s.rFactorEstimate() * 10) / 10.0);
        o.put("mos_note", MOS_NOTE);
        final ArrayNode rtcp = o.putArray("rtcp");
        for (final RtpStream.RtcpReport r : s.rtcpReports()) {
            final ObjectNode j = rtcp.addObject();
            j.put("ts", Timestamps.iso(r.tsNanos()));
            j.put("frame", r.frame());
            j.put("type", r.type());
            j.put("fraction_lost_percent", round(r.fractionLostPercent()));
            if (!"XR".equals(r.type())) {
                j.put("cumulative_lost", r.cumulativeLost());
                j.put("jitter_ms", round(r.jitterMs()));
            }
            j.put("rtt_ms", r.rttMs() < 0 ? null : round(r.rttMs()));
            if (r.xrMos() >= 0) {
                j.put("xr_mos_lq", r.xrMos());
            }
        }
        o.put("rtt_ms", s.rttMs() < 0 ? null : round(s.rttMs()));
        final ArrayNode dtmf = o.putArray("dtmf");
        s.dtmf().forEach(e -> dtmf.add(dtmf(e)));
        if (!s.intervals().isEmpty()) {
            final ArrayNode iv = o.putArray("intervals");
            for (final RtpStream.Interval v : s.intervals()) {
                iv.addObject().put("ts", Timestamps.iso(v.startNanos())).put("rel_s", (v.startNanos() - firstNanos) / 1e9)
                    .put("packets", v.packets()).put("lost", v.lost()).put("mean_jitter_ms", round(v.meanJitterMs()))
                    .put("max_jitter_ms", round(v.maxJitterMs()));
            }
        }
        return o;
    }

    public static ObjectNode dtmf(final DtmfEvent e) {
        final ObjectNode o = Json.object();
        o.put("ts", Timestamps.iso(e.startNanos()));
        o.put("frame", e.frame());
        o.put("flow_id", (String) null);
        o.put("proto", "dtmf");
        o.put("source", e.source());
        o.put("digit", e.digit());
        o.put("event", e.event() < 0 ? null : e.event());
        o.put("duration_ms", e.durationMs() < 0 ? null : round(e.durationMs()));
        o.put("volume", e.volume() < 0 ? null : e.volume());
        o.put("ended", e.ended());
        o.put("src", e.src());
        o.put("dst", e.dst());
        if (e.ssrc() >= 0) {
            o.put("ssrc", String.format("0x%08X", e.ssrc()));
        }
        if (e.callId() != null) {
            o.put("call_id", e.callId());
        }
        return o;
    }

    public static ObjectNode json(final RtpStreamTracker t) {
        final ObjectNode o = Json.object();
        o.putPOJO("streams", Json.lazyArray(t.streams(), s -> stream(s, t.firstNanos())));
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
        t.streams().forEach(s -> Json.writeLine(out, stream(s, t.firstNanos())));
        t.sipInfoDtmf().forEach(e -> Json.writeLine(out, dtmf(e)));
    }

    /** The media of a call for {@code calls --json}: its streams, DTMF and a verdict on the media. */
    public static void putCallMedia(final ObjectNode call, final CallMedia.Verdict verdict, final List<RtpStream> streams,
                                    final List<DtmfEvent> sipDtmf, final long firstNanos) {
        call.putPOJO("streams", Json.lazyArray(streams, s -> stream(s, firstNanos)));
        call.put("media_verdict", verdict.label());
        final ArrayNode d = call.putArray("dtmf");
        sipDtmf.forEach(e -> d.add(dtmf(e)));
        streams.forEach(s -> s.dtmf().forEach(e -> d.add(dtmf(e))));
    }

    private static double round(final double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}

package dev.callscope.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.LinkType;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.core.SrtpStats;
import dev.callscope.core.Timestamps;
import dev.callscope.core.TlsStats;
import dev.callscope.flow.CaptureStats;
import dev.callscope.flow.ProtocolHierarchy;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** Renders {@code callscope read}: a capture summary and its protocol hierarchy. */
public final class ReadView {
    private ReadView() {
    }

    /** Human summary. {@code inputError} is the message of an input error met after some frames, or null. */
    public static void text(final PrintWriter out, final List<String> files, final String format, final CaptureStats s,
                            final String inputError) {
        out.println("Files:        " + String.join(", ", files) + (format == null ? "" : " (" + format + ")"));
        out.println("Packets:      " + s.packets());
        out.println("Bytes:        " + s.bytes() + (s.capturedBytes() != s.bytes() ? " (" + s.capturedBytes() + " captured)" : ""));
        if (s.packets() > 0) {
            out.println("First packet: " + Timestamps.utc(s.firstNanos()) + " UTC");
            out.println("Last packet:  " + Timestamps.utc(s.lastNanos()) + " UTC");
            out.println("Duration:     " + Timestamps.secondsText(s.durationNanos()) + " s");
            final double secs = s.durationNanos() / 1e9;
            if (secs > 0) {
                out.println("Rate:         " + Decimals.fixed(s.packets() / secs, 1) + " packets/s, "
                    + Decimals.fixed(s.bytes() * 8 / secs / 1000, 1) + " kbit/s");
            }
        }
        final StringBuilder lt = new StringBuilder();
        for (final Map.Entry<Integer, Long> e : s.linkTypes().entrySet()) {
            if (lt.length() > 0) {
                lt.append(", ");
            }
            lt.append(LinkType.name(e.getKey())).append(" (").append(e.getValue()).append(')');
        }
        out.println("Link types:   " + (lt.length() == 0 ? "-" : lt));
        out.println("Flows:        " + (s.udpFlows() + s.tcpFlows() + s.sctpFlows()) + " (UDP " + s.udpFlows() + ", TCP "
            + s.tcpFlows() + (s.sctpFlows() > 0 ? ", SCTP " + s.sctpFlows() : "") + ")");
        out.println("Malformed:    " + s.malformed() + "   Unsupported link: " + s.unsupported() + "   Not IP: " + s.notIp()
            + "   Cut by snaplen: " + s.truncated());
        final ReassemblyBudget.Report ra = s.reassembly();
        if (ra != null && ra.totalDrops() > 0) {
            final StringBuilder kinds = new StringBuilder();
            for (final ReassemblyBudget.Kind k : ReassemblyBudget.Kind.values()) {
                if (ra.drops(k) > 0) {
                    kinds.append(kinds.length() > 0 ? ", " : "").append(ra.drops(k)).append(' ').append(k.label())
                        .append(ra.drops(k) == 1 ? "" : "s");
                }
            }
            out.println("Reassembly:   budget of " + ra.limit() + " bytes exceeded (peak " + ra.peakBytes()
                + "): dropped the oldest " + kinds + "; --reassembly-budget raises it");
        }
        final TlsStats tls = s.tls();
        if (tls != null && (tls.keyLogSecrets > 0 || !tls.isEmpty())) {
            if (tls.connections > 0 || tls.dtlsConnections == 0) {
                out.println("TLS:          " + tls.connections + " connection" + (tls.connections == 1 ? "" : "s") + ", "
                    + tls.decrypted + " decrypted, " + tls.withoutKey + " without a key" + (tls.unsupported > 0
                    ? ", " + tls.unsupported + " with a suite not decrypted" : "") + "; records: " + tls.records + " decrypted, "
                    + tls.recordsWithoutKey + " without a usable key, " + tls.authFailures + " failed authentication"
                    + (tls.malformed > 0 ? ", " + tls.malformed + " malformed" : "")
                    + (tls.keyUpdates > 0 ? "; " + tls.keyUpdates + " key update" + (tls.keyUpdates == 1 ? "" : "s") : ""));
            }
            if (tls.dtlsConnections > 0) {
                out.println("DTLS:         " + tls.dtlsConnections + " handshake" + (tls.dtlsConnections == 1 ? "" : "s") + ", "
                    + tls.dtlsKeyed + " with DTLS-SRTP keys exported, " + tls.dtlsWithoutKey + " without a key"
                    + (tls.dtlsUnsupported > 0 ? ", " + tls.dtlsUnsupported + " with a suite or SRTP profile not handled" : "")
                    + (tls.dtlsRecords > 0 || tls.dtlsAuthFailures > 0 ? "; records: " + tls.dtlsRecords + " decrypted, "
                    + tls.dtlsAuthFailures + " failed authentication" : ""));
            }
            if (tls.keyLogMalformed > 0 || tls.keyLogOverLimit > 0) {
                out.println("Key log:      " + tls.keyLogSecrets + " connections' secrets; skipped " + tls.keyLogMalformed
                    + " malformed line" + (tls.keyLogMalformed == 1 ? "" : "s")
                    + (tls.keyLogOverLimit > 0 ? ", " + tls.keyLogOverLimit + " past --max-keylog-secrets" : ""));
            }
        }
        final SrtpStats srtp = s.srtp();
        if (srtp != null) {
            out.println("SRTP:         " + (srtp.keys > 0 || srtp.unusableKeys > 0 ? srtp.keys + " SDES key" + (srtp.keys == 1 ? "" : "s")
                + " in SDP" + (srtp.unusableKeys > 0 ? " (" + srtp.unusableKeys + " not usable)" : "") + "; " : "") + srtp.streams + " stream"
                + (srtp.streams == 1 ? "" : "s") + " keyed; packets: " + srtp.decrypted + " decrypted, " + srtp.authFailures
                + " failed authentication; SRTCP: " + srtp.rtcpDecrypted + " decrypted, " + srtp.rtcpAuthFailures
                + " failed authentication" + (srtp.malformed > 0 ? "; " + srtp.malformed + " too short" : ""));
        }
        out.println("Anomalies:    " + s.anomalies().total());
        for (final Map.Entry<String, Long> e : s.anomalies().counts().entrySet()) {
            out.println("  " + e.getKey() + ": " + e.getValue());
        }
        out.println();
        out.println("Protocol hierarchy");
        hierarchy(out, s.hierarchy().roots(), 0);
        if (inputError != null) {
            out.println();
            out.println("Input error:  " + inputError + " (the numbers above cover what was read before it)");
        }
    }

    private static void hierarchy(final PrintWriter out, final List<ProtocolHierarchy.Node> nodes, final int depth) {
        for (final ProtocolHierarchy.Node n : nodes) {
            final String name = "  ".repeat(depth) + n.name();
            final String frames = Long.toString(n.frames());
            out.println("  " + name + " ".repeat(Math.max(0, 38 - name.length())) + " frames:" + frames
                + " ".repeat(Math.max(0, 10 - frames.length())) + " bytes:" + n.bytes());
            hierarchy(out, n.children(), depth + 1);
        }
    }

    /** One JSON document. */
    public static ObjectNode json(final List<String> files, final String format, final CaptureStats s, final String inputError) {
        final ObjectNode o = Json.object();
        final ArrayNode f = o.putArray("files");
        files.forEach(f::add);
        o.put("format", format);
        summary(o, s);
        o.set("protocol_hierarchy", nodes(s.hierarchy().roots()));
        final ObjectNode a = o.putObject("anomalies");
        a.put("total", s.anomalies().total());
        final ObjectNode by = a.putObject("by_code");
        s.anomalies().counts().forEach(by::put);
        o.put("input_error", inputError);
        return o;
    }

    private static void summary(final ObjectNode o, final CaptureStats s) {
        o.put("packets", s.packets());
        o.put("bytes", s.bytes());
        o.put("captured_bytes", s.capturedBytes());
        o.put("first_ts", s.packets() > 0 ? Timestamps.iso(s.firstNanos()) : null);
        o.put("last_ts", s.packets() > 0 ? Timestamps.iso(s.lastNanos()) : null);
        o.put("duration_s", s.durationNanos() / 1e9);
        final ArrayNode lts = o.putArray("link_types");
        s.linkTypes().forEach((k, v) -> lts.addObject().put("link_type", k).put("name", LinkType.name(k)).put("packets", v));
        final ObjectNode flows = o.putObject("flows");
        flows.put("total", s.udpFlows() + s.tcpFlows() + s.sctpFlows());
        flows.put("udp", s.udpFlows());
        flows.put("tcp", s.tcpFlows());
        flows.put("sctp", s.sctpFlows());
        o.put("malformed", s.malformed());
        o.put("unsupported", s.unsupported());
        o.put("not_ip", s.notIp());
        o.put("fragments", s.fragments());
        o.put("truncated", s.truncated());
        final ReassemblyBudget.Report ra = s.reassembly();
        if (ra != null) {
            final ObjectNode r = o.putObject("reassembly");
            r.put("budget_bytes", ra.limit());
            r.put("peak_bytes", ra.peakBytes());
            r.put("dropped", ra.totalDrops());
            final ObjectNode by = r.putObject("dropped_by_kind");
            long bytes = 0;
            for (final ReassemblyBudget.Kind k : ReassemblyBudget.Kind.values()) {
                by.put(k.key(), ra.drops(k));
                bytes += ra.droppedBytes(k);
            }
            r.put("dropped_bytes", bytes);
        }
        final TlsStats tls = s.tls();
        if (tls != null && (tls.keyLogSecrets > 0 || !tls.isEmpty())) {
            final ObjectNode t = o.putObject("tls");
            t.put("connections", tls.connections);
            t.put("decrypted", tls.decrypted);
            t.put("without_key", tls.withoutKey);
            t.put("unsupported_suite", tls.unsupported);
            t.put("records_decrypted", tls.records);
            t.put("records_without_key", tls.recordsWithoutKey);
            t.put("auth_failures", tls.authFailures);
            t.put("malformed_records", tls.malformed);
            t.put("key_updates", tls.keyUpdates);
            t.put("plaintext_bytes", tls.plaintextBytes);
            t.put("dtls_handshakes", tls.dtlsConnections);
            t.put("dtls_srtp_keyed", tls.dtlsKeyed);
            t.put("dtls_without_key", tls.dtlsWithoutKey);
            t.put("dtls_unsupported", tls.dtlsUnsupported);
            t.put("dtls_records_decrypted", tls.dtlsRecords);
            t.put("dtls_auth_failures", tls.dtlsAuthFailures);
            t.put("keylog_secrets", tls.keyLogSecrets);
            t.put("keylog_malformed_lines", tls.keyLogMalformed);
            t.put("keylog_over_limit", tls.keyLogOverLimit);
        }
        final SrtpStats srtp = s.srtp();
        if (srtp != null) {
            final ObjectNode t = o.putObject("srtp");
            t.put("sdes_keys", srtp.keys);
            t.put("unusable_keys", srtp.unusableKeys);
            t.put("streams", srtp.streams);
            t.put("decrypted", srtp.decrypted);
            t.put("auth_failures", srtp.authFailures);
            t.put("rtcp_decrypted", srtp.rtcpDecrypted);
            t.put("rtcp_auth_failures", srtp.rtcpAuthFailures);
            t.put("malformed", srtp.malformed);
            t.put("over_limit", srtp.overLimit);
        }
    }

    private static ArrayNode nodes(final List<ProtocolHierarchy.Node> nodes) {
        final ArrayNode arr = Json.array();
        for (final ProtocolHierarchy.Node n : nodes) {
            final ObjectNode o = arr.addObject();
            o.put("protocol", n.name());
            o.put("frames", n.frames());
            o.put("bytes", n.bytes());
            if (!n.children().isEmpty()) {
                o.set("children", nodes(n.children()));
            }
        }
        return arr;
    }

    /** JSON Lines: a summary record, one record per hierarchy node, one per anomaly code. */
    public static void jsonl(final PrintWriter out, final List<String> files, final String format, final CaptureStats s,
                             final String inputError) {
        final ObjectNode sum = Json.object();
        sum.put("record", "summary");
        final ArrayNode f = sum.putArray("files");
        files.forEach(f::add);
        sum.put("format", format);
        summary(sum, s);
        sum.put("anomalies", s.anomalies().total());
        sum.put("input_error", inputError);
        Json.writeLine(out, sum);
        lines(out, s.hierarchy().roots(), 0);
        s.anomalies().counts().forEach((code, n) -> {
            final ObjectNode a = Json.object();
            a.put("record", "anomaly_count");
            a.put("code", code);
            a.put("count", n);
            Json.writeLine(out, a);
        });
    }

    private static void lines(final PrintWriter out, final List<ProtocolHierarchy.Node> nodes, final int depth) {
        for (final ProtocolHierarchy.Node n : nodes) {
            final ObjectNode o = Json.object();
            o.put("record", "protocol");
            o.put("path", n.path());
            o.put("protocol", n.name());
            o.put("depth", depth);
            o.put("frames", n.frames());
            o.put("bytes", n.bytes());
            Json.writeLine(out, o);
            lines(out, n.children(), depth + 1);
        }
    }
}

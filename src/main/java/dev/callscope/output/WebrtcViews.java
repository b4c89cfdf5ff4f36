package dev.callscope.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.Endpoint;
import dev.callscope.core.Timestamps;
import dev.callscope.dissect.sdp.SdpBody;
import dev.callscope.dissect.webrtc.DtlsHandshake;
import dev.callscope.dissect.websocket.SignallingMessage;
import dev.callscope.dissect.webrtc.DtlsNames;
import dev.callscope.flow.webrtc.WebrtcSession;
import dev.callscope.flow.webrtc.WebrtcTracker;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * {@code callscope webrtc}: one record per session. JSON schema (snake_case): index, ufrags,
 * first_ts, flows, stun_messages, stun_transactions, stun_answered, stun_retransmissions,
 * stun_duplicate_responses, pairs[] (local, remote, role, relayed, binding_requests (a retransmitted
 * check counts once), retransmissions, duplicate_responses, binding_successes, binding_errors,
 * error_codes, repeated_error_codes, rtt_ms (checks not resent), nominated, consent_checks,
 * consent_interval_ms), nominated_pair, dtls (version "DTLS 1.2", client, server, cipher_suite,
 * srtp_profile, offered_srtp_profiles, fingerprints, fingerprints_match_sdp, encrypted_handshake,
 * records, encrypted_records, alerts, handshake[] in order), srtp_streams[] (ssrc, src, dst,
 * rtcp, packets, payload_types, lost, max_jitter_ms (null on repair streams), repair ("rtx", "fec"
 * or null), repairs_ssrc (the media SSRC a=ssrc-group names)), srtp_packets, srtcp_packets, turn
 * (allocations[]: client, server, transport, relayed, lifetime_s, allocate_requests, errors,
 * error_codes, refreshes, released, create_permissions, permissions, channels, channel_data
 * {channel: to_server, from_server}, send_indications, data_indications), legs[] (flow, via "direct"
 * or "turn", relayed, frames_a_to_b, frames_b_to_a), copies_on_other_legs (stun, dtls, media: the
 * same packet seen again on another leg, counted once), sdp_matches, sdp_mismatches. Beside the sessions: sdps[] (source, frame,
 * ice_ufrag, fingerprint, setup: each SDP and where it came from, e.g. "websocket frame 7 message 2
 * (offer)") and signalling[] (frame, flow, direction, message, type, length, sdp_length, candidate:
 * the JSON signalling messages seen over WebSocket), dropped_sessions and limits (each bound with
 * what it left out: max_webrtc_sessions, dropped_one_packet_sessions, dropped_sessions_without_progress,
 * untracked_packets, max_stun_transactions, forgotten_transactions, max_srtp_streams,
 * untracked_stream_packets, max_signalling_messages, signalling_messages_not_kept,
 * tcp_events_not_kept, rooms_not_kept, room_members_not_kept); the signalling view: see {@link SignallingViews}.
 */
public final class WebrtcViews {
    private WebrtcViews() {
    }

    private static String ep(final Endpoint e) {
        return e == null ? null : e.toString();
    }

    private static Double num(final double v) {
        return Double.isNaN(v) ? null : Math.round(v * 1000.0) / 1000.0;
    }

    public static ObjectNode json(final WebrtcTracker t) {
        final ObjectNode root = Json.object();
        final ArrayNode arr = root.putArray("sessions");
        t.sessions().forEach(s -> {
            final ObjectNode o = session(s);
            SignallingViews.session(o, s, t.signallingView());
            arr.add(o);
        });
        root.put("sdp_count", t.sdps().size());
        root.put("sdps_seen", t.sdpsSeen());
        root.put("sdps_not_kept", t.sdpsNotKept());
        final ArrayNode sdps = root.putArray("sdps");
        for (int i = 0; i < t.sdps().size(); i++) {
            final SdpBody b = t.sdps().get(i);
            final ObjectNode x = sdps.addObject();
            x.put("source", i < t.sdpSources().size() ? t.sdpSources().get(i) : null);
            x.put("frame", b.frame());
            x.put("ice_ufrag", ufrag(b));
            x.put("fingerprint", fingerprint(b));
            x.put("setup", setup(b));
        }
        final ArrayNode sig = root.putArray("signalling");
        for (final SignallingMessage m : t.signalling()) {
            final ObjectNode x = sig.addObject();
            x.put("frame", m.frame());
            x.put("flow", m.flow() == null ? null : m.flow().toString());
            x.put("direction", m.direction().name());
            x.put("message", m.index());
            x.put("type", m.type());
            x.put("length", m.length());
            x.put("sdp_length", m.sdpLength());
            x.put("candidate", m.candidate());
        }
        root.put("signalling_messages", t.signallingMessages());
        SignallingViews.json(root, t.signallingView());
        root.put("dropped_sessions", t.droppedSessions());
        final ObjectNode lim = root.putObject("limits");
        lim.put("max_webrtc_sessions", t.maxSessions());
        lim.put("dropped_one_packet_sessions", t.droppedOnePacketSessions());
        lim.put("dropped_sessions_without_progress", t.droppedSessionsWithoutProgress());
        lim.put("untracked_packets", t.untrackedPackets());
        lim.put("max_stun_transactions", t.maxTransactions());
        lim.put("forgotten_transactions", t.forgottenTransactions());
        lim.put("max_srtp_streams", t.maxStreams());
        lim.put("untracked_stream_packets", t.untrackedStreamPackets());
        lim.put("max_signalling_messages", t.maxSignalling());
        lim.put("signalling_messages_not_kept", t.signallingMessages() - t.signalling().size());
        lim.put("tcp_events_not_kept", t.tcpEventsNotKept());
        lim.put("rooms_not_kept", t.signallingView().roomsNotKept());
        lim.put("room_members_not_kept", t.signallingView().rooms().stream().mapToLong(r -> r.membersNotKept()).sum());
        return root;
    }

    /** One line per bound that left something out, naming the flag that raises it. */
    static void limits(final PrintWriter out, final WebrtcTracker t) {
        if (t.tcpEventsNotKept() > 0) {
            out.printf(Locale.ROOT, "--max-signalling-messages %d reached: %d TCP connection events (SYN, FIN, RST) were not kept for "
                + "the signalling connections%n", t.maxSignalling(), t.tcpEventsNotKept());
        }
        final long rooms = t.signallingView().roomsNotKept();
        final long members = t.signallingView().rooms().stream().mapToLong(r -> r.membersNotKept()).sum();
        if (rooms > 0 || members > 0) {
            out.printf(Locale.ROOT, "room bounds reached: %d room ids past the first 256 and %d names past 256 members of a room "
                + "were not kept%n", rooms, members);
        }
        if (t.droppedSessions() > 0) {
            final StringBuilder what = new StringBuilder();
            part(what, t.droppedOnePacketSessions(), "session", " with one packet", " dropped");
            part(what, t.droppedSessionsWithoutProgress(), "session",
                " without progress (no STUN answer, two-sided DTLS handshake or media)", " dropped");
            part(what, t.untrackedPackets(), "packet", " that would have started a session",
                " not tracked (every kept session had made progress)");
            out.printf(Locale.ROOT, "--max-webrtc-sessions %d reached: %s%n", t.maxSessions(), what);
        }
        if (t.forgottenTransactions() > 0) {
            out.printf(Locale.ROOT, "--max-stun-transactions %d reached: %d STUN requests were forgotten before their "
                + "response%n", t.maxTransactions(), t.forgottenTransactions());
        }
        if (t.untrackedStreamPackets() > 0) {
            out.printf(Locale.ROOT, "--max-srtp-streams %d reached: %d SRTP/SRTCP packets of further streams were not "
                + "tracked%n", t.maxStreams(), t.untrackedStreamPackets());
        }
        if (t.signallingMessages() > t.signalling().size()) {
            out.printf(Locale.ROOT, "--max-signalling-messages %d reached: %d signalling messages were counted but not "
                + "kept%n", t.maxSignalling(), t.signallingMessages() - t.signalling().size());
        }
    }

    /** "100 sessions with one packet were dropped" (joined with ", "). */
    private static void part(final StringBuilder to, final long n, final String noun, final String which,
                             final String done) {
        if (n == 0) {
            return;
        }
        to.append(to.length() > 0 ? ", " : "").append(n).append(' ').append(noun).append(n == 1 ? "" : "s")
            .append(which).append(n == 1 ? " was" : " were").append(done);
    }

    private static String ufrag(final SdpBody b) {
        if (b.iceUfrag() != null) {
            return b.iceUfrag();
        }
        return b.media().stream().map(SdpBody.Media::iceUfrag).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    private static String fingerprint(final SdpBody b) {
        if (b.fingerprint() != null) {
            return b.fingerprint().hash() + " " + b.fingerprint().value();
        }
        return b.media().stream().map(SdpBody.Media::fingerprint).filter(java.util.Objects::nonNull)
            .map(f -> f.hash() + " " + f.value()).findFirst().orElse(null);
    }

    private static String setup(final SdpBody b) {
        if (b.setup() != null) {
            return b.setup();
        }
        return b.media().stream().map(SdpBody.Media::setup).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    public static ObjectNode session(final WebrtcSession s) {
        final ObjectNode o = Json.object();
        o.put("index", s.index());
        o.put("ufrags", s.ufragPair());
        o.put("first_ts", Timestamps.iso(s.firstTsNanos()));
        o.put("duration_s", num((s.lastTsNanos() - s.firstTsNanos()) / 1e9));
        final ArrayNode flows = o.putArray("flows");
        s.flows().forEach(f -> flows.add(f.toString()));
        o.put("stun_messages", s.stunMessages());
        o.put("stun_transactions", s.stunTransactions());
        o.put("stun_answered", s.stunAnswered());
        o.put("stun_retransmissions", s.stunRetransmissions());
        o.put("stun_duplicate_responses", s.stunDuplicateResponses());
        final ArrayNode pairs = o.putArray("pairs");
        for (final WebrtcSession.Pair p : s.pairs()) {
            pairs.add(pair(p));
        }
        final WebrtcSession.Pair n = s.nominated();
        o.set("nominated_pair", n == null ? null : pair(n));
        o.set("dtls", dtls(s.dtls()));
        final ArrayNode streams = o.putArray("srtp_streams");
        for (final WebrtcSession.SrtpStream st : s.srtpStreams()) {
            final ObjectNode x = streams.addObject();
            x.put("ssrc", st.ssrcHex());
            x.put("src", ep(st.src()));
            x.put("dst", ep(st.dst()));
            x.put("rtcp", st.rtcp());
            x.put("packets", st.packets());
            final ArrayNode pts = x.putArray("payload_types");
            st.payloadTypes().forEach(pts::add);
            x.put("lost", st.lost());
            x.put("max_jitter_ms", num(st.maxJitterMs()));
            x.put("repair", st.repairKind());
            x.put("repairs_ssrc", st.repairOf() < 0 ? null : String.format("0x%08X", st.repairOf()));
            if (st.decrypted() > 0 || st.authFailures() > 0) {
                x.put("decrypted", st.decrypted());
                x.put("auth_failures", st.authFailures());
            }
        }
        if (!s.dataChannels().isEmpty()) {
            final ArrayNode chs = o.putArray("data_channels");
            for (final WebrtcSession.DataChannel ch : s.dataChannels()) {
                final ObjectNode x = chs.addObject();
                x.put("stream_id", ch.streamId());
                x.put("label", ch.label());
                x.put("protocol", ch.protocol());
                if (ch.ordered() == null) {
                    x.putNull("ordered");
                } else {
                    x.put("ordered", ch.ordered());
                }
                x.put("reliability", ch.reliability());
                x.put("opened_by", ch.openedBy() == null ? null : ep(ch.openedBy()));
                x.put("acked", ch.acked());
                final ArrayNode sides = x.putArray("sent");
                for (int i = 0; i < 2; i++) {
                    final ObjectNode side = sides.addObject();
                    side.put("src", ep(i == 0 ? ch.sideA() : ch.sideB()));
                    side.put("messages", ch.messages(i));
                    side.put("bytes", ch.bytes(i));
                    side.put("unordered", ch.unordered(i));
                }
            }
        }
        o.put("srtp_packets", s.srtpPackets());
        o.put("srtcp_packets", s.srtcpPackets());
        final ObjectNode turn = o.putObject("turn");
        final ArrayNode allocs = turn.putArray("allocations");
        for (final WebrtcSession.Allocation a : s.allocations()) {
            allocs.add(allocation(a));
        }
        final ArrayNode legs = o.putArray("legs");
        for (final WebrtcSession.Leg l : s.legs()) {
            final ObjectNode x = legs.addObject();
            x.put("flow", l.flow().toString());
            x.put("via", l.allocation() == null ? "direct" : "turn");
            x.put("relayed", l.allocation() == null ? null : ep(l.allocation().relayed()));
            x.put("frames_a_to_b", l.framesAtoB());
            x.put("frames_b_to_a", l.framesBtoA());
        }
        final ObjectNode copies = o.putObject("copies_on_other_legs");
        copies.put("stun", s.stunCopies());
        copies.put("dtls", s.dtlsCopies());
        copies.put("media", s.mediaCopies());
        final ArrayNode ok = o.putArray("sdp_matches");
        s.sdpMatches().forEach(ok::add);
        final ArrayNode bad = o.putArray("sdp_mismatches");
        s.sdpMismatches().forEach(bad::add);
        return o;
    }

    private static ObjectNode allocation(final WebrtcSession.Allocation a) {
        final ObjectNode x = Json.object();
        x.put("client", ep(a.client()));
        x.put("server", ep(a.server()));
        x.put("transport", a.flow().transportName());
        x.put("relayed", ep(a.relayed()));
        if (a.lifetime() == null) {
            x.putNull("lifetime_s");
        } else {
            x.put("lifetime_s", a.lifetime());
        }
        x.put("allocate_requests", a.allocateRequests());
        x.put("errors", a.errors());
        final ObjectNode codes = x.putObject("error_codes");
        a.errorCodes().forEach((k, v) -> codes.put(Integer.toString(k), v));
        x.put("refreshes", a.refreshes());
        x.put("released", a.released());
        x.put("create_permissions", a.createPermissions());
        final ArrayNode perms = x.putArray("permissions");
        a.permissions().forEach(perms::add);
        final ObjectNode ch = x.putObject("channels");
        a.channels().forEach((k, v) -> ch.put(String.format("0x%04x", k), v.toString()));
        final ObjectNode cd = x.putObject("channel_data");
        a.channelData().forEach((k, v) -> {
            final ObjectNode n = cd.putObject(String.format("0x%04x", k));
            n.put("to_server", v[0]);
            n.put("from_server", v[1]);
        });
        x.put("send_indications", a.sendIndications());
        x.put("data_indications", a.dataIndications());
        return x;
    }

    private static ObjectNode pair(final WebrtcSession.Pair p) {
        final ObjectNode x = Json.object();
        x.put("local", ep(p.local()));
        x.put("remote", ep(p.remote()));
        x.put("role", p.role());
        x.put("relayed", p.relayed());
        x.put("binding_requests", p.bindingRequests());
        x.put("retransmissions", p.retransmissions());
        x.put("duplicate_responses", p.duplicateResponses());
        x.put("binding_successes", p.bindingSuccesses());
        x.put("binding_errors", p.bindingErrors());
        final ObjectNode codes = x.putObject("error_codes");
        p.errorCodes().forEach((k, v) -> codes.put(Integer.toString(k), v));
        final ObjectNode repeated = x.putObject("repeated_error_codes");
        p.repeatedErrorCodes().forEach((k, v) -> repeated.put(Integer.toString(k), v));
        x.put("rtt_ms", num(p.meanRttMs()));
        x.put("nominated", p.nominated());
        x.put("consent_checks", p.consentChecks());
        x.put("consent_interval_ms", num(p.consentIntervalMs()));
        return x;
    }

    private static ObjectNode dtls(final WebrtcSession.Dtls d) {
        final ObjectNode x = Json.object();
        x.put("version", WebrtcTracker.versionText(d));
        x.put("client", ep(d.client()));
        x.put("server", ep(d.server()));
        x.put("cipher_suite", d.cipherSuite() < 0 ? null : DtlsNames.cipherSuite(d.cipherSuite()));
        x.put("srtp_profile", d.srtpProfile() < 0 ? null : DtlsNames.srtpProfile(d.srtpProfile()));
        final ArrayNode offered = x.putArray("offered_srtp_profiles");
        d.offeredSrtpProfiles().forEach(p -> offered.add(DtlsNames.srtpProfile(p)));
        final ObjectNode fps = x.putObject("fingerprints");
        d.fingerprints().forEach((k, v) -> fps.put(k.toString(), "sha-256 " + v));
        if (d.fingerprintsMatchSdp() == null) {
            x.putNull("fingerprints_match_sdp");
        } else {
            x.put("fingerprints_match_sdp", d.fingerprintsMatchSdp());
        }
        x.put("encrypted_handshake", d.encryptedHandshake());
        x.put("records", d.records());
        x.put("encrypted_records", d.encryptedRecords());
        final ArrayNode alerts = x.putArray("alerts");
        d.alerts().forEach(alerts::add);
        final ArrayNode hs = x.putArray("handshake");
        for (final DtlsHandshake h : d.messages()) {
            final ObjectNode m = hs.addObject();
            m.put("frame", h.frame());
            m.put("from", ep(h.src()));
            m.put("type", h.typeName());
            if (h.retransmission()) {
                m.put("retransmission", true);
            }
            if (h.relayed()) {
                m.put("relayed", true);
            }
        }
        return x;
    }

    /** The text report: per session the pairs table, DTLS summary, SRTP streams, TURN, SDP checks. */
    public static void text(final PrintWriter out, final WebrtcTracker t) {
        text(out, t, 0);
    }

    /** The text report, fitted to {@code width} columns (0: every value whole). */
    public static void text(final PrintWriter out, final WebrtcTracker t, final int width) {
        final long t0 = t0(t);
        if (t.sessions().isEmpty()) {
            out.println("no WebRTC session (no STUN, DTLS or SRTP on an ICE 5-tuple)");
            SignallingViews.text(out, t.signallingView(), t0, width);
            sdpSources(out, t);
            limits(out, t);
            return;
        }
        for (final WebrtcSession s : t.sessions()) {
            TextTable.wrap(String.format(Locale.ROOT, "Session %d  %s  %s  %d STUN, %d SRTP, %d SRTCP", s.index(),
                s.ufragPair() == null ? "(no ICE username) " + s.firstFlow() : "ufrags " + s.ufragPair(),
                Timestamps.iso(s.firstTsNanos()), s.stunMessages(), s.srtpPackets(), s.srtcpPackets()), width, 2)
                .forEach(out::println);
            if (s.stunRetransmissions() > 0 || s.stunDuplicateResponses() > 0 || s.stunAnswered() < s.stunTransactions()) {
                out.printf(Locale.ROOT, "  STUN transactions %d, answered %d, request retransmissions %d, responses repeated %d%n",
                    s.stunTransactions(), s.stunAnswered(), s.stunRetransmissions(), s.stunDuplicateResponses());
            }
            if (!s.pairs().isEmpty()) {
                final TextTable pairs = new TextTable("local", "remote", "role", ">req", ">ok", ">err", ">rtt ms", "")
                    .shrink("local", 12, TextTable.Keep.END).shrink("remote", 12, TextTable.Keep.END)
                    .shrink("", 9, TextTable.Keep.START).indent(2).width(width);
                for (final WebrtcSession.Pair p : s.pairs()) {
                    final StringBuilder flags = new StringBuilder();
                    if (p.nominated()) {
                        flags.append("NOMINATED");
                        if (p.consentChecks() > 0) {
                            flags.append(String.format(Locale.ROOT, " consent %d every %.0f ms", p.consentChecks(),
                                p.consentIntervalMs()));
                        }
                    }
                    if (!p.errorCodes().isEmpty()) {
                        flags.append(flags.length() > 0 ? " " : "").append("errors ").append(counts(p.errorCodes(), (code, n) -> code + " (" + n + (n == 1 ? " time)" : " times)")));
                    }
                    if (p.retransmissions() > 0) {
                        flags.append(flags.length() > 0 ? " " : "").append(p.retransmissions())
                            .append(p.retransmissions() == 1 ? " retransmission" : " retransmissions");
                    }
                    if (!p.repeatedErrorCodes().isEmpty()) {
                        flags.append(flags.length() > 0 ? " " : "").append("errors to resent checks ").append(counts(p.repeatedErrorCodes(), (code, n) -> code + " (" + n + (n == 1 ? " time)" : " times)")));
                    }
                    if (p.relayed()) {
                        flags.append(flags.length() > 0 ? " " : "").append("relayed");
                    }
                    pairs.row(p.local(), p.remote(), p.role() == null ? "-" : p.role(), p.bindingRequests(),
                        p.bindingSuccesses(), p.bindingErrors(),
                        Double.isNaN(p.meanRttMs()) ? "-" : Decimals.fixed(p.meanRttMs(), 3), flags);
                }
                pairs.print(out);
            }
            final WebrtcSession.Dtls d = s.dtls();
            if (d.seen()) {
                TextTable.wrap(String.format(Locale.ROOT, "  %s  client %s  server %s",
                    WebrtcTracker.versionText(d) == null ? "DTLS (version not seen)" : WebrtcTracker.versionText(d), d.client(),
                    d.server()), width, 4).forEach(out::println);
                if (d.cipherSuite() >= 0 || d.srtpProfile() >= 0) {
                    out.printf(Locale.ROOT, "    cipher %s  use_srtp %s%n",
                        d.cipherSuite() < 0 ? "-" : DtlsNames.cipherSuite(d.cipherSuite()),
                        d.srtpProfile() < 0 ? "-" : DtlsNames.srtpProfile(d.srtpProfile()));
                }
                for (final Map.Entry<Endpoint, String> f : d.fingerprints().entrySet()) {
                    TextTable.wrap(String.format(Locale.ROOT, "    certificate %s sha-256 %s", f.getKey(), f.getValue()), width, 6)
                        .forEach(out::println);
                }
                if (d.encryptedHandshake()) {
                    out.println("    handshake encrypted after ServerHello (DTLS 1.3): certificates not visible");
                }
                final StringBuilder seq = new StringBuilder();
                for (final DtlsHandshake h : d.messages()) {
                    seq.append(seq.length() > 0 ? ", " : "").append(h.typeName()).append(h.retransmission() ? " (retransmission)" : "");
                }
                TextTable.wrap("    handshake: " + seq, width, 6).forEach(out::println);
                out.printf(Locale.ROOT, "    records %d, encrypted %d, fingerprints match SDP: %s%n", d.records(),
                    d.encryptedRecords(), d.fingerprintsMatchSdp() == null ? "n/a" : d.fingerprintsMatchSdp() ? "yes" : "NO");
                d.alerts().forEach(a -> out.println("    alert " + a));
            }
            for (final WebrtcSession.SrtpStream st : s.srtpStreams()) {
                TextTable.wrap(String.format(Locale.ROOT, "  %s %s %s -> %s  %d packets  PT %s%s%s", st.rtcp() ? "SRTCP" : "SRTP ",
                    st.ssrcHex(),
                    st.src(), st.dst(), st.packets(), list(st.payloadTypes()),
                    st.rtcp() ? "" : String.format(Locale.ROOT, "  lost %d%s%s", st.lost(), Double.isNaN(st.maxJitterMs()) ? ""
                        : String.format(Locale.ROOT, "  max jitter %.2f ms", st.maxJitterMs()), st.repairKind() == null ? ""
                        : "  repair (" + st.repairKind() + ")" + (st.repairOf() < 0 ? "" : String.format(" of 0x%08X", st.repairOf()))),
                    st.decrypted() > 0 || st.authFailures() > 0 ? String.format(Locale.ROOT, "  decrypted %d%s", st.decrypted(),
                        st.authFailures() > 0 ? ", " + st.authFailures() + " failed authentication" : "") : ""), width, 8)
                    .forEach(out::println);
            }
            for (final WebrtcSession.DataChannel ch : s.dataChannels()) {
                TextTable.wrap(String.format(Locale.ROOT, "  data channel %d %s%s%s%s  %s -> %s %d messages %d bytes%s  %s -> %s %d messages %d bytes%s",
                    ch.streamId(), ch.label() == null ? "(open not seen)" : "'" + ch.label() + "'",
                    ch.protocol() == null || ch.protocol().isEmpty() ? "" : " protocol '" + ch.protocol() + "'",
                    ch.ordered() == null ? "" : ch.ordered() ? " ordered" : " unordered",
                    ch.reliability() == null ? "" : " " + ch.reliability() + (ch.openedBy() != null ? ", opened by " + ch.openedBy() : ""),
                    ch.sideA(), ch.sideB(), ch.messages(0), ch.bytes(0), ch.unordered(0) > 0 ? " (" + ch.unordered(0) + " unordered)" : "",
                    ch.sideB(), ch.sideA(), ch.messages(1), ch.bytes(1), ch.unordered(1) > 0 ? " (" + ch.unordered(1) + " unordered)" : ""),
                    width, 8).forEach(out::println);
            }
            for (final WebrtcSession.Allocation a : s.allocations()) {
                TextTable.wrap(String.format(Locale.ROOT, "  TURN %s %s -> %s relayed %s%s: allocate %d%s, refresh %d%s, permissions %s, "
                        + "channels %s, send %d, data %d", a.flow().transportName(), a.client() == null ? "?" : a.client(),
                    a.server() == null ? "?" : a.server(), a.relayed() == null ? "(not seen)" : a.relayed(),
                    a.lifetime() == null ? "" : " lifetime " + a.lifetime() + " s", a.allocateRequests(),
                    a.errors() == 0 ? "" : " (errors " + counts(a.errorCodes(), (code, n) -> code + " x" + n) + ")",
                    a.refreshes(), a.released() ? " (released)" : "", list(a.permissions()),
                    counts(a.channels(), (c, peer) -> channel(c) + " " + peer + " " + dataCount(a.channelData().get(c))),
                    a.sendIndications(), a.dataIndications()), width, 4).forEach(out::println);
            }
            if (!s.allocations().isEmpty() || s.legs().size() > 1) {
                for (final WebrtcSession.Leg l : s.legs()) {
                    // a TURN leg reads from its client to the server
                    final WebrtcSession.Allocation a = l.allocation();
                    final boolean back = a != null && a.client() != null && a.client().equals(l.flow().endpointB());
                    TextTable.wrap(String.format(Locale.ROOT, "  leg %s %s -> %s  %d frames, %d back  %s", l.flow().transportName(),
                        back ? l.flow().endpointB() : l.flow().endpointA(), back ? l.flow().endpointA() : l.flow().endpointB(),
                        back ? l.framesBtoA() : l.framesAtoB(), back ? l.framesAtoB() : l.framesBtoA(),
                        a == null ? "direct" : "TURN client" + (a.relayed() == null ? "" : " of relayed " + a.relayed())), width, 4)
                        .forEach(out::println);
                }
            }
            if (s.stunCopies() + s.dtlsCopies() + s.mediaCopies() > 0) {
                out.printf(Locale.ROOT, "  seen again on other legs (counted once): STUN %d, DTLS %d, media %d%n", s.stunCopies(),
                    s.dtlsCopies(), s.mediaCopies());
            }
            s.sdpMatches().forEach(m -> TextTable.wrap("  SDP ok: " + m, width, 4).forEach(out::println));
            s.sdpMismatches().forEach(m -> TextTable.wrap("  SDP MISMATCH: " + m, width, 4).forEach(out::println));
            SignallingViews.session(out, s, t.signallingView(), t0, width);
            out.println();
        }
        SignallingViews.text(out, t.signallingView(), t0, width);
        sdpSources(out, t);
        limits(out, t);
    }

    /** The earliest time the report names: what its text gives times from. */
    private static long t0(final WebrtcTracker t) {
        long t0 = Long.MAX_VALUE;
        for (final WebrtcSession s : t.sessions()) {
            t0 = Math.min(t0, s.firstTsNanos());
        }
        for (final dev.callscope.flow.webrtc.Signalling.Client c : t.signallingView().clients()) {
            for (final dev.callscope.flow.webrtc.Signalling.Connection k : c.connections()) {
                t0 = Math.min(t0, k.openTsNanos() >= 0 ? k.openTsNanos() : k.firstTsNanos());
            }
            for (final dev.callscope.flow.webrtc.Signalling.Attempt a : c.attempts()) {
                t0 = Math.min(t0, a.tsNanos());
            }
        }
        return t0 == Long.MAX_VALUE ? 0 : t0;
    }

    /** Items for the text report: "111, 0" ("-" when none), never a Java collection's text. */
    private static String list(final java.util.Collection<?> items) {
        if (items.isEmpty()) {
            return "-";
        }
        final StringBuilder sb = new StringBuilder();
        items.forEach(i -> sb.append(sb.length() > 0 ? ", " : "").append(i));
        return sb.toString();
    }

    /** Key and value pairs for the text report: "answer 2, offer 2" ("-" when none), never a Java map's text. */
    private static <K, V> String counts(final Map<K, V> m, final java.util.function.BiFunction<K, V, String> item) {
        if (m.isEmpty()) {
            return "-";
        }
        final StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() > 0 ? ", " : "").append(item.apply(k, v)));
        return sb.toString();
    }

    /** "(data 12 out, 10 in)": ChannelData to the server and from it on one channel. */
    private static String dataCount(final long[] n) {
        return n == null ? "(no data)" : "(data " + n[0] + " out, " + n[1] + " in)";
    }

    private static String channel(final Integer number) {
        return String.format(Locale.ROOT, "0x%04X", number);
    }

    /** Where each SDP came from, and how many JSON signalling messages went over WebSocket. */
    private static void sdpSources(final PrintWriter out, final WebrtcTracker t) {
        if (t.signallingMessages() > 0) {
            final java.util.Map<String, Long> types = new java.util.TreeMap<>();
            t.signalling().forEach(m -> types.merge(m.type(), 1L, Long::sum));
            out.printf(Locale.ROOT, "Signalling over WebSocket: %d messages (%s)%n", t.signallingMessages(), counts(types, (type, n) -> type + " " + n));
        }
        for (int i = 0; i < t.sdps().size() && i < t.sdpSources().size(); i++) {
            final SdpBody b = t.sdps().get(i);
            out.printf(Locale.ROOT, "SDP from %s: ice-ufrag %s, setup %s%n", t.sdpSources().get(i),
                ufrag(b) == null ? "-" : ufrag(b), setup(b) == null ? "-" : setup(b));
        }
        if (t.sdpsNotKept() > 0) {
            out.printf(Locale.ROOT, "(%d more SDPs with ICE or DTLS attributes not kept: --max-webrtc-sdps)%n", t.sdpsNotKept());
        }
    }
}

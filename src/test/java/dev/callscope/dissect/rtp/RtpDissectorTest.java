package dev.callscope.dissect.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RtpDissectorTest {
    private static final byte[] AUDIO = new byte[160];

    @Test
    void headerFieldsBecomeAnEvent() {
        final RtpDissector d = new RtpDissector();
        d.configure(Map.of());
        final var flow = RtpFakes.flow(4000, 5000, 17);
        final RtpFakes.Sink sink = new RtpFakes.Sink();
        d.open(new RtpFakes.Conversation(flow)).onDatagram(Payload.of(RtpFakes.rtp(8, true, 65535, 0xFFFFFFF0L, 0xDEADBEEFL, AUDIO)),
            RtpFakes.ctx(flow, 1, Transport.UDP), sink);
        assertThat(sink.of(RtpPacket.class)).extracting(RtpPacket::payloadType, RtpPacket::marker, RtpPacket::sequence,
                RtpPacket::timestamp, RtpPacket::ssrc, RtpPacket::payloadLength, RtpPacket::dataLength, RtpPacket::payload)
            .containsExactly(tuple(8, true, 65535, 0xFFFFFFF0L, 0xDEADBEEFL, 160, 172, null));
        assertThat(sink.anomalies).isEmpty();
        assertThat(sink.confirms).isEqualTo(1);
    }

    @Test
    void keepPayloadPreferenceCopiesThePayloadAndPaddingIsRemoved() {
        final RtpDissector d = new RtpDissector();
        d.configure(Map.of(RtpDissector.PREF_KEEP_PAYLOAD, "true"));
        final byte[] p = RtpFakes.rtp(0, false, 1, 160, 1, new byte[] {1, 2, 3, 0, 0, 3});
        p[0] |= 0x20; // padding: last byte says 3
        final var flow = RtpFakes.flow(4000, 5000, 17);
        final RtpFakes.Sink sink = new RtpFakes.Sink();
        d.open(new RtpFakes.Conversation(flow)).onDatagram(Payload.of(p), RtpFakes.ctx(flow, 1, Transport.UDP), sink);
        assertThat(sink.of(RtpPacket.class).get(0).payload()).containsExactly(1, 2, 3);
        assertThat(sink.of(RtpPacket.class).get(0).padding()).isTrue();
    }

    @Test
    void heuristicAnswersOnlyWhenEnabled() {
        final var flow = RtpFakes.flow(4000, 5000, 17);
        final Payload p = Payload.of(RtpFakes.rtp(0, false, 1, 160, 1, AUDIO));
        final RtpDissector off = new RtpDissector();
        off.configure(Map.of());
        assertThat(off.heuristic()).isFalse();
        assertThat(off.accept(p, RtpFakes.ctx(flow, 1, Transport.UDP))).isEqualTo(Confidence.NO);
        final RtpDissector on = new RtpDissector();
        on.configure(RtpFakes.heuristicOn());
        assertThat(on.heuristic()).isTrue();
        assertThat(on.accept(p, RtpFakes.ctx(flow, 1, Transport.UDP))).isEqualTo(Confidence.WEAK);
        // well-known ports, RTCP-like payload types, a CSRC list past the end, version 1: no
        assertThat(on.accept(p, RtpFakes.ctx(RtpFakes.flow(53, 5000, 17), 1, Transport.UDP))).isEqualTo(Confidence.NO);
        assertThat(on.accept(Payload.of(RtpFakes.rtp(72, false, 1, 1, 1, AUDIO)), RtpFakes.ctx(flow, 1, Transport.UDP)))
            .isEqualTo(Confidence.NO);
        final byte[] csrc = RtpFakes.rtp(0, false, 1, 1, 1, new byte[4]);
        csrc[0] = (byte) 0x8F;
        assertThat(on.accept(Payload.of(csrc), RtpFakes.ctx(flow, 1, Transport.UDP))).isEqualTo(Confidence.NO);
        final byte[] v1 = RtpFakes.rtp(0, false, 1, 1, 1, AUDIO);
        v1[0] = 0x40;
        assertThat(on.accept(Payload.of(v1), RtpFakes.ctx(flow, 1, Transport.UDP))).isEqualTo(Confidence.NO);
        assertThat(on.accept(p, RtpFakes.ctx(flow, 1, Transport.TCP))).isEqualTo(Confidence.NO);
    }

    @Test
    void rtcpMultiplexedOnTheRtpPortIsReadAsRtcp() {
        final RtpDissector d = new RtpDissector();
        d.configure(Map.of());
        final var flow = RtpFakes.flow(4000, 5000, 17);
        final RtpFakes.Sink sink = new RtpFakes.Sink();
        final DissectorSession s = d.open(new RtpFakes.Conversation(flow));
        s.onDatagram(Payload.of(RtpFakes.rtp(0, false, 1, 160, 7, AUDIO)), RtpFakes.ctx(flow, 1, Transport.UDP), sink);
        s.onDatagram(Payload.of(RtpFakes.compound()), RtpFakes.ctx(flow, 2, Transport.UDP), sink);
        assertThat(sink.of(RtpPacket.class)).hasSize(1);
        assertThat(sink.of(RtcpPacket.class)).extracting(RtcpPacket::packetType, RtcpPacket::muxed)
            .containsExactly(tuple(200, true), tuple(202, true), tuple(203, true));
        assertThat(sink.anomalies).isEmpty();
    }

    @Test
    void stunAndDtlsOnTheMediaPortAreSkippedSilently() {
        final RtpDissector d = new RtpDissector();
        d.configure(Map.of());
        final var flow = RtpFakes.flow(4000, 5000, 17);
        final RtpFakes.Sink sink = new RtpFakes.Sink();
        final DissectorSession s = d.open(new RtpFakes.Conversation(flow));
        s.onDatagram(Payload.of(new byte[] {0, 1, 0, 0, 0x21, 0x12, (byte) 0xA4, 0x42}), RtpFakes.ctx(flow, 1, Transport.UDP), sink);
        s.onDatagram(Payload.of(new byte[] {22, (byte) 0xFE, (byte) 0xFD, 0, 0}), RtpFakes.ctx(flow, 2, Transport.UDP), sink);
        assertThat(sink.events).isEmpty();
        assertThat(sink.anomalies).isEmpty();
    }

    @Test
    void rfc4571FramingOverTcpAtEveryCut() {
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            final byte[] p = RtpFakes.rtp(0, false, 100 + i, 160L * i, 9, AUDIO);
            stream.write(p.length >>> 8);
            stream.write(p.length & 0xFF);
            stream.writeBytes(p);
        }
        stream.write(0); // an empty frame is allowed
        stream.write(0);
        final byte[] all = stream.toByteArray();
        final var flow = RtpFakes.flow(4000, 5000, 6);
        for (int cut = 0; cut <= all.length; cut++) {
            final RtpDissector d = new RtpDissector();
            d.configure(Map.of());
            final DissectorSession s = d.open(new RtpFakes.Conversation(flow));
            final RtpFakes.Sink sink = new RtpFakes.Sink();
            final List<Integer> seqs = new ArrayList<>();
            byte[] pending = new byte[0];
            for (final byte[] chunk : new byte[][] {java.util.Arrays.copyOfRange(all, 0, cut), java.util.Arrays.copyOfRange(all, cut, all.length)}) {
                final byte[] buf = new byte[pending.length + chunk.length];
                System.arraycopy(pending, 0, buf, 0, pending.length);
                System.arraycopy(chunk, 0, buf, pending.length, chunk.length);
                int used = 0;
                while (used < buf.length) {
                    final int n = s.onStream(new Payload(buf, used, buf.length - used), RtpFakes.ctx(flow, 1, Transport.TCP), sink);
                    if (n == 0) {
                        break;
                    }
                    used += n;
                }
                pending = java.util.Arrays.copyOfRange(buf, used, buf.length);
            }
            sink.of(RtpPacket.class).forEach(p -> seqs.add(p.sequence()));
            assertThat(seqs).as("cut at %d", cut).containsExactly(100, 101, 102);
            assertThat(sink.of(RtpPacket.class)).allMatch(RtpPacket::overTcp);
            assertThat(pending).as("cut at %d", cut).isEmpty();
        }
    }

    @Test
    void malformedHeadersGiveAnomaliesNotEvents() {
        final RtpDissector d = new RtpDissector();
        d.configure(Map.of());
        final var flow = RtpFakes.flow(4000, 5000, 17);
        final RtpFakes.Sink sink = new RtpFakes.Sink();
        final DissectorSession s = d.open(new RtpFakes.Conversation(flow));
        s.onDatagram(Payload.of(new byte[] {(byte) 0x80, 0, 1}), RtpFakes.ctx(flow, 1, Transport.UDP), sink);
        final byte[] ext = RtpFakes.rtp(0, false, 1, 1, 1, new byte[] {0, 0, 0, 9});
        ext[0] = (byte) 0x90; // extension of 9 words that are not there
        s.onDatagram(Payload.of(ext), RtpFakes.ctx(flow, 2, Transport.UDP), sink);
        final byte[] pad = RtpFakes.rtp(0, false, 1, 1, 1, new byte[] {1, 2, 99});
        pad[0] = (byte) 0xA0;
        s.onDatagram(Payload.of(pad), RtpFakes.ctx(flow, 3, Transport.UDP), sink);
        assertThat(sink.anomalies).extracting(a -> a.code()).containsExactly("rtp.too_short", "rtp.malformed", "rtp.bad_padding");
        assertThat(sink.of(RtpPacket.class)).extracting(RtpPacket::payloadLength).containsExactly(0);
    }
}

package dev.callscope.hep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.decode.HepHeader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** HEPv3 written by {@link HepEncoder} and read by {@link HepHeader}; HEPv1/v2; every malformed case. */
class HepHeaderTest {
    private static final byte[] SRC = {(byte) 192, (byte) 168, 1, 10};
    private static final byte[] DST = {10, 20, 30, 40};
    private static final byte[] SIP = "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final long TS = 1_700_000_000_123_456_000L;

    private static byte[] v3(final HepEncoder e, final byte[] src, final byte[] dst, final int proto) {
        final int n = e.encode(src.length == 16 ? 6 : 4, proto, src, dst, 5060, 5080, TS, HepHeader.TYPE_SIP, SIP, 0,
            SIP.length, "x1".getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(e.buffer(), n);
    }

    @Test
    void whatTheEncoderWritesIsReadBackChunkByChunk() {
        final byte[] p = v3(new HepEncoder(2001, "secret".getBytes(StandardCharsets.UTF_8)), SRC, DST, 17);
        final HepHeader h = new HepHeader();
        assertThat(h.parse(p, 0, p.length)).isNull();
        assertThat(HepHeader.isWholeHep3(p, 0, p.length)).isTrue();
        assertThat(h.version).isEqualTo(3);
        assertThat(h.length).isEqualTo(p.length);
        assertThat(h.ipVersion).isEqualTo(4);
        assertThat(h.ipProtocol).isEqualTo(17);
        assertThat(Arrays.copyOf(h.src, 4)).isEqualTo(SRC);
        assertThat(Arrays.copyOf(h.dst, 4)).isEqualTo(DST);
        assertThat(h.srcPort).isEqualTo(5060);
        assertThat(h.dstPort).isEqualTo(5080);
        assertThat(h.tsNanos).isEqualTo(TS);
        assertThat(h.protoType).isEqualTo(HepHeader.TYPE_SIP);
        assertThat(h.captureId).isEqualTo(2001);
        assertThat(Arrays.copyOfRange(p, h.payloadOffset, h.payloadOffset + h.payloadLength)).isEqualTo(SIP);
        assertThat(new String(p, h.correlationOffset, h.correlationLength, StandardCharsets.UTF_8)).isEqualTo("x1");
        assertThat(h.authMatches(p, "secret".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(h.authMatches(p, "other!".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(h.carriesPacket(p)).isTrue();
        assertThat(h.unknownChunks).isZero();
    }

    @Test
    void ipv6AndTcpToo() {
        final byte[] s6 = new byte[16];
        final byte[] d6 = new byte[16];
        s6[0] = 0x20;
        s6[15] = 1;
        d6[0] = 0x20;
        d6[15] = 2;
        final byte[] p = v3(new HepEncoder(7, null), s6, d6, 6);
        final HepHeader h = new HepHeader();
        assertThat(h.parse(p, 0, p.length)).isNull();
        assertThat(h.ipVersion).isEqualTo(6);
        assertThat(h.ipProtocol).isEqualTo(6);
        assertThat(h.src).isEqualTo(s6);
        assertThat(h.dst).isEqualTo(d6);
        assertThat(h.authLength).isEqualTo(-1);
        assertThat(h.authMatches(p, "k".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void unknownChunksAndOtherVendorsAreSkippedAndCounted() {
        final byte[] p = v3(new HepEncoder(1, null), SRC, DST, 17);
        // append a vendor chunk (vendor 0x0003, type 0x0020) and an unknown vendor-0 chunk
        final byte[] extra = {0, 3, 0, 0x20, 0, 8, 1, 2, 0, 0, 0, 0x7f, 0, 7, 9};
        final byte[] q = Arrays.copyOf(p, p.length + extra.length);
        System.arraycopy(extra, 0, q, p.length, extra.length);
        q[4] = (byte) (q.length >>> 8);
        q[5] = (byte) q.length;
        final HepHeader h = new HepHeader();
        assertThat(h.parse(q, 0, q.length)).isNull();
        assertThat(h.unknownChunks).isEqualTo(2);
        assertThat(Arrays.copyOfRange(q, h.payloadOffset, h.payloadOffset + h.payloadLength)).isEqualTo(SIP);
    }

    @Test
    void version2AsKamailioWritesIt() {
        final HepCaptures.Sip s = new HepCaptures.Sip(TS, 17, SRC, DST, 5060, 5080, SIP);
        final byte[] p = HepCaptures.hep2(s, 0x1234);
        assertThat(HepHeader.looksLikeHep2(p, 0, p.length)).isTrue();
        final HepHeader h = new HepHeader();
        assertThat(h.parse(p, 0, p.length)).isNull();
        assertThat(h.version).isEqualTo(2);
        assertThat(h.tsNanos).isEqualTo(TS);
        assertThat(h.captureId).isEqualTo(0x1234);
        assertThat(h.srcPort).isEqualTo(5060);
        assertThat(Arrays.copyOf(h.dst, 4)).isEqualTo(DST);
        assertThat(Arrays.copyOfRange(p, h.payloadOffset, h.payloadOffset + h.payloadLength)).isEqualTo(SIP);
        // version 1: no time header, the payload follows the addresses
        final byte[] v1 = new byte[16 + SIP.length];
        System.arraycopy(p, 0, v1, 0, 16);
        v1[0] = 1;
        System.arraycopy(SIP, 0, v1, 16, SIP.length);
        assertThat(h.parse(v1, 0, v1.length)).isNull();
        assertThat(h.version).isEqualTo(1);
        assertThat(h.tsNanos).isZero();
        assertThat(h.payloadOffset).isEqualTo(16);
    }

    @Test
    void everyMalformedPacketHasItsReason() {
        final byte[] p = v3(new HepEncoder(1, null), SRC, DST, 17);
        final HepHeader h = new HepHeader();
        // total length past the datagram
        assertThat(h.parse(p, 0, p.length - 1)).isEqualTo("hep.bad_length");
        // a chunk whose length runs past the packet: the family chunk claims 200 bytes
        final byte[] q = p.clone();
        q[6 + 5] = (byte) 200;
        assertThat(h.parse(q, 0, q.length)).isEqualTo("hep.bad_chunk");
        // a chunk length under its own header
        q[6 + 5] = 3;
        assertThat(h.parse(q, 0, q.length)).isEqualTo("hep.bad_chunk");
        // a fixed-size chunk of the wrong size (the 1-byte family chunk made 2 by borrowing the next)
        final byte[] r = p.clone();
        r[6 + 5] = 8;
        assertThat(h.parse(r, 0, r.length)).isEqualTo("hep.bad_chunk");
        // cut before the payload chunk: header says so, chunks missing
        final byte[] cut = Arrays.copyOf(p, 6 + 7 + 7);
        cut[4] = 0;
        cut[5] = (byte) cut.length;
        assertThat(h.parse(cut, 0, cut.length)).isEqualTo("hep.missing_chunk");
        // an unknown address family
        final byte[] fam = p.clone();
        fam[6 + 6] = 99;
        assertThat(h.parse(fam, 0, fam.length)).isEqualTo("hep.bad_family");
        // too short for anything, and a version that is no HEP
        assertThat(h.parse(new byte[] {'H', 'E'}, 0, 2)).isEqualTo("hep.short");
        assertThat(h.parse(new byte[] {9, 9, 9, 9, 9}, 0, 5)).isEqualTo("hep.bad_version");
        // HEPv2 cut inside its addresses and inside its time header
        final byte[] v2 = HepCaptures.hep2(new HepCaptures.Sip(TS, 17, SRC, DST, 1, 2, SIP), 1);
        assertThat(h.parse(v2, 0, 12)).isEqualTo("hep.short");
        assertThat(h.parse(v2, 0, 20)).isEqualTo("hep.short");
        // never reads past the range it was given
        assertThat(h.parse(p, 0, 10_000)).isEqualTo("hep.short");
    }

    @Test
    void reportsAreNotPackets() {
        final HepEncoder e = new HepEncoder(1, null);
        final byte[] json = "{\"ssrc\":1,\"type\":200}".getBytes(StandardCharsets.UTF_8);
        final int n = e.encode(4, 17, SRC, DST, 7001, 7003, TS, HepHeader.TYPE_RTCP, json, 0, json.length, null);
        final HepHeader h = new HepHeader();
        assertThat(h.parse(e.buffer(), 0, n)).isNull();
        assertThat(h.jsonPayload(e.buffer())).isTrue();
        assertThat(h.carriesPacket(e.buffer())).isFalse();
        final byte[] rtcp = {(byte) 0x81, (byte) 200, 0, 6, 0, 0, 0, 1};
        final int m = e.encode(4, 17, SRC, DST, 7001, 7003, TS, HepHeader.TYPE_RTCP, rtcp, 0, rtcp.length, null);
        assertThat(h.parse(e.buffer(), 0, m)).isNull();
        assertThat(h.carriesPacket(e.buffer())).isTrue();
        final int q = e.encode(4, 17, SRC, DST, 1, 2, TS, HepHeader.TYPE_QOS_REPORT, json, 0, json.length, null);
        assertThat(h.parse(e.buffer(), 0, q)).isNull();
        assertThat(h.carriesPacket(e.buffer())).isFalse();
    }

    @Test
    void theEncoderRefusesWhatALengthOf16BitsCannotHold() {
        final byte[] big = new byte[HepEncoder.MAX_LENGTH];
        assertThat(new HepEncoder(1, null).encode(4, 17, SRC, DST, 1, 2, TS, 1, big, 0, big.length, null)).isEqualTo(-1);
    }
}

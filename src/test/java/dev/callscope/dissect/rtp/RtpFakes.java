package dev.callscope.dissect.rtp;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Transport;
import java.nio.ByteBuffer;
import java.util.Map;

/** Hand-built RTP/RTCP packets and a recording sink for the dissector tests. */
final class RtpFakes {
    private RtpFakes() {
    }

    static FlowKey flow(final int portA, final int portB, final int proto) {
        final FlowKey k = new FlowKey();
        k.set(proto, new byte[] {10, 0, 0, 1}, portA, new byte[] {10, 0, 0, 2}, portB, 4);
        return k.copy();
    }

    static PacketContext ctx(final FlowKey flow, final long frame, final Transport t) {
        return new PacketContext().set(frame, 1_000_000_000L + frame * 20_000_000L, flow, Direction.A_TO_B, t, false);
    }

    static final class Conversation extends dev.callscope.testutil.FakeConversation {
        Conversation(final FlowKey flow) {
            super(flow, Transport.UDP, false);
        }
    }

    static final class Sink extends dev.callscope.dissect.Collected {
    }

    /** An RTP packet: version 2, no CSRC, no extension. */
    static byte[] rtp(final int pt, final boolean marker, final int seq, final long ts, final long ssrc, final byte[] payload) {
        final ByteBuffer b = ByteBuffer.allocate(12 + payload.length);
        b.put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | pt)).putShort((short) seq).putInt((int) ts).putInt((int) ssrc);
        b.put(payload);
        return b.array();
    }

    /** An SR with one report block, an SDES with a CNAME, a BYE with a reason: one compound datagram. */
    static byte[] compound() {
        final ByteBuffer b = ByteBuffer.allocate(256);
        // SR: 28 header+sender info + 24 block = 52 bytes = 13 words -> length 12
        b.put((byte) 0x81).put((byte) 200).putShort((short) 12).putInt(0x11111111);
        b.putLong(0xE1234567_80000000L).putInt(160_000).putInt(1000).putInt(160_000);
        b.putInt(0x22222222).put((byte) 64).put((byte) 0xFF).put((byte) 0xFF).put((byte) 0xFE) // 25 %, cumulative -2
            .putInt(0x0001_0010).putInt(80).putInt(0x4567_8000).putInt(0x0000_8000);
        // SDES: header 4 + ssrc 4 + item (1+1+5) + end 1 = 16 bytes -> length 3
        b.put((byte) 0x81).put((byte) 202).putShort((short) 3).putInt(0x11111111);
        b.put((byte) 1).put((byte) 5).put("alice".getBytes()).put((byte) 0);
        // BYE: header 4 + ssrc 4 + reason (1 + 3) = 12 bytes -> length 2
        b.put((byte) 0x81).put((byte) 203).putShort((short) 2).putInt(0x11111111).put((byte) 3).put("bye".getBytes());
        final byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    /** An XR packet with one VoIP metrics block (RFC 3611 4.7). */
    static byte[] xrVoip() {
        final ByteBuffer b = ByteBuffer.allocate(8 + 36);
        b.put((byte) 0x80).put((byte) 207).putShort((short) 10).putInt(0x33333333);
        b.put((byte) 7).put((byte) 0).putShort((short) 8).putInt(0x22222222);
        b.put((byte) 12).put((byte) 3).put((byte) 0).put((byte) 0).putShort((short) 0).putShort((short) 0)
            .putShort((short) 150).putShort((short) 40).put((byte) -20).put((byte) -70).put((byte) 127).put((byte) 16)
            .put((byte) 80).put((byte) 127).put((byte) 41).put((byte) 127).put((byte) 0).put((byte) 0)
            .putShort((short) 40).putShort((short) 80).putShort((short) 200);
        return b.array();
    }

    static Map<String, String> heuristicOn() {
        return Map.of(RtpDissector.PREF_HEURISTIC, "true");
    }
}

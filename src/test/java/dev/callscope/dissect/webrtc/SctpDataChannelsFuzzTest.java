package dev.callscope.dissect.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.Collected;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SCTP packets out of decrypted DTLS: a well-formed message and its damaged forms never throw. */
class SctpDataChannelsFuzzTest {
    /** An SCTP packet with one DATA chunk: stream 1, PPID 51, B and E set, the text given. */
    private static byte[] data(final long tsn, final String text) {
        final byte[] user = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final int chunk = 16 + user.length;
        final byte[] b = new byte[12 + ((chunk + 3) & ~3)];
        b[0] = 0x13;
        b[1] = (byte) 0x88; // port 5000
        b[2] = 0x13;
        b[3] = (byte) 0x88;
        b[12] = 0; // DATA
        b[13] = 0x03; // B and E
        b[14] = (byte) (chunk >>> 8);
        b[15] = (byte) chunk;
        b[16] = (byte) (tsn >>> 24);
        b[17] = (byte) (tsn >>> 16);
        b[18] = (byte) (tsn >>> 8);
        b[19] = (byte) tsn;
        b[21] = 1; // stream 1
        b[27] = 51; // PPID: string
        System.arraycopy(user, 0, b, 28, user.length);
        return b;
    }

    private static PacketContext ctx() {
        final FlowKey k = new FlowKey();
        k.set(17, new byte[] {127, 0, 0, 1}, 5000, new byte[] {127, 0, 0, 2}, 5001, 4);
        return new PacketContext().set(1, 0, k.copy(), Direction.A_TO_B, Transport.UDP, false);
    }

    @Test
    void aMessageAndItsRetransmissionCountOnce() {
        final SctpDataChannels s = new SctpDataChannels();
        final Collected out = new Collected();
        final byte[] p = data(7, "hello");
        s.packet(new Payload(p, 0, p.length), ctx(), out);
        s.packet(new Payload(p, 0, p.length), ctx(), out); // the same TSN again
        final byte[] q = data(8, "again");
        s.packet(new Payload(q, 0, q.length), ctx(), out);
        assertThat(out.of(DataChannelEvent.class)).extracting(DataChannelEvent::length).containsExactly(5, 5);
    }

    @Test
    void damagedPacketsNeverThrow() {
        final Random rnd = new Random(20261203);
        final SctpDataChannels s = new SctpDataChannels();
        final PacketContext ctx = ctx();
        for (int round = 0; round < 20_000; round++) {
            final byte[] p = data(rnd.nextInt(), "x".repeat(rnd.nextInt(64)));
            for (int k = rnd.nextInt(6); k > 0; k--) {
                p[rnd.nextInt(p.length)] = (byte) rnd.nextInt(256);
            }
            final int len = rnd.nextInt(p.length + 1);
            assertThatCode(() -> s.packet(new Payload(p, 0, len), ctx, new Collected())).doesNotThrowAnyException();
        }
    }
}

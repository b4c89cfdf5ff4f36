package dev.callscope.flow.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.Direction;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.rtp.RtpPacket;
import dev.callscope.output.WavWriter;
import dev.callscope.testutil.SharedCaptures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAV export against an independent G.711 decode of each packet's payload, and silence for lost packets. */
class WavExportTest {

    /**
     * A-law (G.711 table 1) by interval midpoints: segment 0 has steps of 2 from 0, segment n >= 1
     * steps of 2^n from 16 * 2^n (12-bit magnitudes), scaled by 8 to 16 bits. Independent of {@link G711}.
     */
    static int alaw(final int code) {
        final int v = (code & 0xFF) ^ 0x55;
        final int seg = (v >> 4) & 7;
        final int step = seg == 0 ? 2 : 1 << seg;
        final int base = seg == 0 ? 0 : 16 << seg;
        final int magnitude = (base + (v & 0x0F) * step + step / 2) * 8;
        return (v & 0x80) != 0 ? magnitude : -magnitude;
    }

    /** µ-law (G.711 table 2): magnitude = ((2 * mantissa + 33) << exponent) - 33, scaled by 4. */
    static int ulaw(final int code) {
        final int v = ~code & 0xFF;
        final int exp = (v >> 4) & 7;
        final int magnitude = (((2 * (v & 0x0F) + 33) << exp) - 33) * 4;
        return (v & 0x80) != 0 ? -magnitude : magnitude;
    }

    private static short[] readWav(final Path f) throws Exception {
        final byte[] b = Files.readAllBytes(f);
        final ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(b, 0, 4)).isEqualTo("RIFF");
        assertThat(new String(b, 8, 8)).isEqualTo("WAVEfmt ");
        assertThat(h.getShort(20)).isEqualTo((short) 1); // PCM
        assertThat(h.getShort(22)).isEqualTo((short) 1); // mono
        assertThat(h.getInt(24)).isEqualTo(8000);
        assertThat(h.getShort(34)).isEqualTo((short) 16);
        final int n = h.getInt(40) / 2;
        assertThat(h.getInt(4)).isEqualTo(36 + 2 * n);
        final short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            s[i] = h.getShort(44 + 2 * i);
        }
        return s;
    }

    @Test
    void alawStreamMatchesAnIndependentDecode(@TempDir final Path dir) throws Exception {
        final RtpStreamTracker t = new RtpStreamTracker();
        final List<RtpPacket> packets = new ArrayList<>();
        RtpTruth.run(SharedCaptures.file("rtp/sipp__g711a.pcap"), true, t, new Tap() {
            @Override
            public void onEvent(final ProtocolEvent e) {
                if (e instanceof RtpPacket p) {
                    packets.add(p);
                }
            }
        });
        final RtpStream s = t.streams().get(0);
        assertThat(s.exportableAudio()).isTrue();
        final Path f = dir.resolve(WavWriter.fileName(s));
        WavWriter.write(f, s.decodeAudio());
        final short[] wav = readWav(f);
        final long first = packets.stream().mapToLong(RtpPacket::timestamp).min().orElseThrow();
        int checked = 0;
        for (final RtpPacket p : packets) {
            final int pos = (int) (p.timestamp() - first);
            for (int i = 0; i < p.payload().length; i++) {
                assertThat(wav[pos + i]).as("sample %d", pos + i).isEqualTo((short) alaw(p.payload()[i]));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(packets.stream().mapToInt(p -> p.payload().length).sum()).isEqualTo(236 * 240);
        assertThat(wav).hasSize(checked); // no gap in this stream
        try (var files = Files.list(dir)) {
            assertThat(files.map(x -> x.getFileName().toString())).containsExactly(WavWriter.fileName(s));
        }
    }

    @Test
    void lostPacketsAreSilence() {
        final FlowKey flow = new FlowKey();
        flow.set(17, new byte[] {10, 0, 0, 1}, 4000, new byte[] {10, 0, 0, 2}, 5000, 4);
        final FlowKey key = flow.copy();
        final RtpStreamTracker t = new RtpStreamTracker();
        final byte[] loud = new byte[160]; // µ-law 0x00 is the most negative level
        for (final int seq : new int[] {1, 2, 4, 5}) {
            t.onEvent(new RtpPacket(seq, 1_000_000_000L + seq * 20_000_000L, key, Direction.A_TO_B, false, 0, seq, seq * 160L,
                0x1234, 0, false, false, 172, 160, 0, loud, false, RtpPacket.SRTP_NONE, false));
        }
        final RtpStream s = t.streams().get(0);
        assertThat(s.lost()).isEqualTo(1);
        final short[] pcm = s.decodeAudio();
        assertThat(pcm).hasSize(4 * 160 + 160);
        assertThat(pcm[0]).isEqualTo((short) ulaw(0)).isNotZero();
        assertThat(Arrays.copyOfRange(pcm, 320, 480)).containsOnly((short) 0);
        assertThat(pcm[480]).isEqualTo((short) ulaw(0));
    }
}

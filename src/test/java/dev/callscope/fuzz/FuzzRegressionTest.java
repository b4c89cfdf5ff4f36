package dev.callscope.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.LinkType;
import dev.callscope.fuzz.PacketCase.Kind;
import dev.callscope.fuzz.PacketCase.Step;
import dev.callscope.fuzz.SeedCorpus.Flow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Minimised findings of the fuzz campaign, replayed through the whole engine and trackers. */
class FuzzRegressionTest {
    private static final Flow WS = new Flow("websocket", "regression", true, 4, new byte[] {127, 0, 0, 1},
        new byte[] {127, 0, 0, 1}, 59_546, 18_776, 1000, 900_000, List.of());

    private static Step step(final boolean fromClient, final byte[] payload, final int flags) {
        return new Step(WS, Kind.PAYLOAD, fromClient, payload, 0, flags, 0, 20_000_000L, true);
    }

    /**
     * Run seed 1, case seed 2407440966532356341 (39 frames, minimised to 4): a WebSocket server's
     * 101, a compressed message, a RST (onEnd released the inflaters), then a late compressed
     * message: WebSocketSession.inflate threw "Inflater has been closed".
     */
    @Test
    void aWebSocketMessageAfterARstIsRead() throws IOException {
        final byte[] upgrade = "HTTP/1.1 101\nUpgrade:websocket\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        final byte[] msg = websocketDeflated("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}");
        final PacketCase c = new PacketCase("websocket", 1, List.of(), LinkType.ETHERNET, false, Pipeline.STREAMING,
            List.of(step(false, upgrade, 0), step(true, msg, 0), step(false, new byte[0], PacketCase.TCP_RST),
                step(true, msg, 0)));
        for (final int config : new int[] {0, Pipeline.STREAMING, Pipeline.EXACT}) {
            final Pipeline.Outcome o = Pipeline.run(new ListSource(c.frames()), c.rules, config, true);
            assertThat(o.caught()).as("config %d", config).isEmpty();
            assertThat(o.clean()).as("config %d", config).isTrue();
            assertThat(o.byProtocol()).as("config %d", config).containsEntry("websocket", 3L);
        }
    }

    /** A masked, compressed (RSV1) text frame. */
    private static byte[] websocketDeflated(final String text) {
        final java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(text.getBytes(StandardCharsets.UTF_8));
        final byte[] buf = new byte[256];
        final int n = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH) - 4;
        d.end();
        final byte[] f = new byte[6 + n];
        f[0] = (byte) 0xC1;
        f[1] = (byte) (0x80 | n);
        f[2] = 1;
        f[3] = 2;
        f[4] = 3;
        f[5] = 4;
        for (int i = 0; i < n; i++) {
            f[6 + i] = (byte) (buf[i] ^ (1 + (i & 3)));
        }
        return f;
    }
}

package dev.callscope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyLogTest {
    private static final String RANDOM = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final String MASTER = "ab".repeat(48);

    @Test
    void linesByLabelCommentsAndMalformedLines() throws IOException {
        final KeyLog k = new KeyLog(10);
        k.read(new StringReader(String.join("\n",
            "# SSL/TLS secrets log file",
            "",
            "CLIENT_RANDOM " + RANDOM + " " + MASTER,
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET " + RANDOM + " " + "01".repeat(32),
            "SERVER_TRAFFIC_SECRET_0 " + RANDOM + " " + "02".repeat(48),
            "CLIENT_TRAFFIC_SECRET_3 " + RANDOM + " " + "03".repeat(32),
            "CLIENT_RANDOM " + RANDOM.substring(2) + " " + MASTER,
            "CLIENT_RANDOM " + RANDOM + " " + "ab".repeat(47),
            "CLIENT_RANDOM " + RANDOM + " zz" + MASTER.substring(2),
            "SOMETHING_ELSE " + RANDOM + " " + MASTER,
            "CLIENT_RANDOM " + RANDOM)));
        assertThat(k.lines()).isEqualTo(9);
        assertThat(k.malformed()).isEqualTo(5);
        assertThat(k.size()).isEqualTo(1);
        final byte[] random = KeyLog.hex(RANDOM, 32);
        final KeyLog.Secrets s = k.find(random, 0);
        assertThat(s.master()).hasSize(48);
        assertThat(s.clientHandshake()).containsOnly(1);
        assertThat(s.server0()).hasSize(48);
        assertThat(s.client0()).isNull();
        assertThat(s.toString()).doesNotContain("ab");
        assertThat(k.toString()).doesNotContain("ab");
        random[0] ^= 1;
        assertThat(k.find(random, 0)).isNull();
    }

    @Test
    void secretsPastTheLimitAreCountedAndSkipped() {
        final KeyLog k = new KeyLog(2);
        for (int i = 0; i < 5; i++) {
            k.add("CLIENT_RANDOM " + String.format("%064x", i) + " " + MASTER);
        }
        assertThat(k.size()).isEqualTo(2);
        assertThat(k.overLimit()).isEqualTo(3);
    }

    @Test
    void keyLogTextInBytesAsAPcapngBlockCarriesIt() {
        final KeyLog k = new KeyLog(10);
        final byte[] text = ("CLIENT_RANDOM " + RANDOM + " " + MASTER + "\r\nEXPORTER_SECRET " + RANDOM + " " + "05".repeat(32) + "\n")
            .getBytes(StandardCharsets.US_ASCII);
        k.read(text, 0, text.length);
        assertThat(k.malformed()).isZero();
        assertThat(k.find(KeyLog.hex(RANDOM, 32), 0).exporter()).hasSize(32);
    }
}

package dev.callscope.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.cli.CliTest;
import dev.callscope.core.Visible;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text from a capture cannot send control sequences to the terminal through tables and ladders. */
class VisibleTextTest {
    @Test
    void controlCharactersAreEscaped() {
        assertThat(Visible.of("sip:alice@example.com")).isSameAs("sip:alice@example.com");
        assertThat(Visible.of("a\u001b]0;owned\u0007b\tc\u009bd\u0000")).isEqualTo("a\\x1b]0;owned\\x07b\\tc\\x9bd\\x00");
        assertThat(Visible.of(null)).isNull();
    }

    @Test
    void aFromWithEscapeSequencesIsShownEscapedInTablesAndLadders(@TempDir final Path dir) throws Exception {
        // the bundled call with "alice" replaced (same length) by ESC [ 2 J BEL: clear screen and bell
        final byte[] pcap = Files.readAllBytes(Path.of("samples/sip-call.pcap"));
        final byte[] alice = "alice".getBytes(StandardCharsets.US_ASCII);
        int replaced = 0;
        for (int i = 0; i + alice.length <= pcap.length; i++) {
            boolean match = true;
            for (int k = 0; k < alice.length && match; k++) {
                match = pcap[i + k] == alice[k];
            }
            if (match) {
                System.arraycopy(new byte[] {0x1b, '[', '2', 'J', 0x07}, 0, pcap, i, 5);
                replaced++;
            }
        }
        assertThat(replaced).isGreaterThan(0);
        final Path f = dir.resolve("escape.pcap");
        Files.write(f, pcap);
        for (final String[] args : new String[][] {
            {"calls", "--wide", f.toString()}, {"calls", "--width", "80", f.toString()}, {"sip", f.toString()},
            {"ladder", f.toString()}, {"ladder", "--width", "80", f.toString()}}) {
            final CliTest.Run r = CliTest.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isZero();
            if (!java.util.List.of(args).contains("--width") && !"sip".equals(args[0])) { // cut at 80; sip shows no From
                assertThat(r.out()).as(String.join(" ", args)).contains("\\x1b[2J\\x07");
            }
            assertThat(r.out().chars().filter(c -> c < 0x20 && c != '\n').count()).as(String.join(" ", args)).isZero();
        }
    }
}

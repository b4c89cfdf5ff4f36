package dev.callscope.cli;

import static dev.callscope.cli.ShellTest.shell;
import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.pcap.CaptureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell's {@code export}: the format from the file name, the same output as {@code ladder --format}. */
class ShellExportTest {
    private static final String SAMPLE = "samples/sip-call.pcap";

    private static List<String> frames(final Path file) throws IOException {
        final List<String> all = new ArrayList<>();
        try (PacketSource s = CaptureFiles.open(file.toString())) {
            final RawFrame f = new RawFrame();
            while (s.next(f)) {
                all.add(f.tsNanos + " " + f.origLen + " " + Arrays.toString(Arrays.copyOf(f.data, f.capLen)));
            }
        }
        return all;
    }

    @Test
    void theExtensionPicksTheFormat(@TempDir final Path dir) throws Exception {
        final String out = shell(dir.resolve("history"), List.of(SAMPLE),
            "export 1 -o " + dir.resolve("c.svg"), "export 1 -o " + dir.resolve("c.html"),
            "export 1 -o " + dir.resolve("c.mmd"), "export 1 -o " + dir.resolve("c.puml"),
            "export 1 -o " + dir.resolve("c.pcap"), "export 1 -o " + dir.resolve("c.pcapng"),
            "export 1 -o " + dir.resolve("c.txt"));
        assertThat(out).doesNotContain("callscope: ");
        for (final String[] f : new String[][] {{"svg", "svg"}, {"html", "html"}, {"mmd", "mermaid"}, {"puml", "plantuml"}}) {
            assertThat(Files.readString(dir.resolve("c." + f[0]))).as(f[0])
                .isEqualTo(CliTest.run("ladder", "--format", f[1], SAMPLE).out());
        }
        assertThat(Files.readString(dir.resolve("c.txt"))).contains("INVITE (SDP)").contains("200 OK");
        // packets: every frame of the one call, byte for byte, as pcap and as pcapng
        final byte[] pcap = Files.readAllBytes(dir.resolve("c.pcap"));
        assertThat(Arrays.copyOf(pcap, 4)).as("pcap magic, nanoseconds, little-endian")
            .containsExactly(0x4d, 0x3c, 0xb2, 0xa1);
        final byte[] pcapng = Files.readAllBytes(dir.resolve("c.pcapng"));
        assertThat(Arrays.copyOf(pcapng, 4)).containsExactly(0x0a, 0x0d, 0x0d, 0x0a);
        assertThat(frames(dir.resolve("c.pcap"))).isEqualTo(frames(Path.of(SAMPLE)));
        assertThat(frames(dir.resolve("c.pcapng"))).isEqualTo(frames(Path.of(SAMPLE)));
    }

    @Test
    void anUnknownExtensionIsOneClearLineAndNoFile(@TempDir final Path dir) throws Exception {
        final String out = shell(dir.resolve("history"), List.of(SAMPLE), "export 1 -o " + dir.resolve("c.doc"),
            "export 1 -o " + dir.resolve("noext"));
        assertThat(out).contains("callscope: export: unknown file type '.doc': name it .txt, .svg, .html, .mmd, .puml, "
            + ".pcap or .pcapng").contains("callscope: export: no file type in 'noext'");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsOnly("history");
        }
    }
}

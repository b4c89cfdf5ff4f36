package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on a real process: the launcher built by the package phase captures on loopback, gets
 * SIGINT, completes the pcapng file and prints its summary. Needs root, libpcap and the packaged jar
 * (.ci/run runs the live tests after mvn verify).
 */
@Tag("live")
class CtrlCLiveTest {
    @Test
    void sigintFinishesTheFileAndPrintsTheSummary(@TempDir final Path dir) throws Exception {
        final Path launcher = Path.of("target/callscope");
        assumeTrue(Files.isExecutable(launcher) && Files.exists(Path.of("target/callscope.jar")), "run after mvn package");
        final Path out = dir.resolve("ctrl-c.pcapng");
        final int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        final Process p = new ProcessBuilder(launcher.toString(), "capture", "-i", "lo", "-f", "udp port " + port,
            "-w", out.toString()).redirectErrorStream(true).start();
        Thread.sleep(2500); // JVM start and libpcap attach
        try (DatagramSocket s = new DatagramSocket()) {
            for (int i = 0; i < 10; i++) {
                final byte[] m = ("ping " + i).getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(m, m.length, InetAddress.getLoopbackAddress(), port));
            }
        }
        Thread.sleep(500);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("capture stops on SIGINT").isTrue();
        final String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(printed).contains("Packets:      10").contains("written to " + out);
        assertThat(printed).doesNotContain("Exception");
        assertThat(out).exists();
        assertThat(CliTest.run("read", "--json", out.toString()).out()).contains("\"packets\" : 10");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("ctrl-c.pcapng"); // no temporary left
        }
    }
}

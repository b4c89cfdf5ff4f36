package dev.callscope.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without libpcap every entry point fails with NO_LIBPCAP and one line. Simulated in a child JVM
 * by pointing pcap4j ({@code org.pcap4j.core.pcapLibName}) at a library that does not exist, so it
 * runs anywhere, with or without libpcap, and needs no root.
 */
class NoLibpcapTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void everyEntryPointReportsNoLibpcap() throws Exception {
        final Path file = new TestCaptures.PcapBuilder(1, 65535)
                .add(1, 0, TestCaptures.ethIpv4(17, 1, 2, new byte[4]), 46).write(tmp.resolve("one.pcap"));
        final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process p = new ProcessBuilder(java, "-cp", cp,
                "-Dorg.pcap4j.core.pcapLibName=" + tmp.resolve("no-such-libpcap.so"),
                "-Djava.io.tmpdir=" + tmp, NoLibpcapProbe.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(50, TimeUnit.SECONDS)).isTrue();
        final List<String> lines = out.lines().filter(l -> l.contains("|")).toList();
        final String expected = "|NO_LIBPCAP|libpcap is not installed (apt-get install libpcap0.8)";
        assertThat(lines).as(out).containsExactly("list" + expected, "file" + expected, "file-again" + expected, "live" + expected);
        assertThat(cp).contains(File.pathSeparator);
    }
}

package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Width and colour on the real terminal path: the command runs in a JVM of its own on a
 * pseudo-terminal of a given size made by {@code script} (util-linux), or on a pipe.
 */
class TerminalTest {
    private static final String ESC = "\u001b[";

    /** What the command printed on a pseudo-terminal {@code columns} wide, lines without their CR. */
    private static List<String> onTerminal(final int columns, final Map<String, String> env, final String... args)
        throws IOException, InterruptedException {
        final ProcessBuilder java = ChildJvm.of(List.of(), Main.class, args);
        final StringBuilder cmd = new StringBuilder("stty cols " + columns + " rows 40 && exec");
        for (final String a : java.command()) {
            cmd.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        final ProcessBuilder pb = new ProcessBuilder("script", "-qec", cmd.toString(), "/dev/null")
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("COLUMNS");
        pb.environment().remove("NO_COLOR");
        pb.environment().put("TERM", "xterm");
        pb.environment().putAll(env);
        return run(pb);
    }

    /** What the command printed into a pipe. */
    private static List<String> piped(final Map<String, String> env, final String... args) throws IOException, InterruptedException {
        final ProcessBuilder pb = ChildJvm.of(List.of(), Main.class, args).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        return run(pb);
    }

    private static List<String> run(final ProcessBuilder pb) throws IOException, InterruptedException {
        final Process p = pb.start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return new ArrayList<>(Arrays.asList(out.replace("\r", "").split("\n", -1)));
    }

    private static int widest(final List<String> lines) {
        return lines.stream().mapToInt(String::length).max().orElse(0);
    }

    @Test
    void tablesFitTheTerminalsOwnWidthAndKeepEveryValueWholeInAPipe() throws Exception {
        final List<String> whole = piped(Map.of("COLUMNS", "100"), "calls", "samples/sip-call.pcap");
        assertThat(widest(whole)).as("no fitting into a pipe, whatever COLUMNS says").isGreaterThan(120);
        assertThat(whole).noneMatch(l -> l.contains("…"));
        assertThat(piped(Map.of(), "calls", "--wide", "samples/sip-call.pcap")).isEqualTo(whole);

        // the terminal's size, not COLUMNS (which says 200 here) and not a guess
        final List<String> fitted = onTerminal(100, Map.of("COLUMNS", "200"), "calls", "samples/sip-call.pcap");
        assertThat(widest(fitted)).isLessThanOrEqualTo(100).isGreaterThan(80);
        final String row = fitted.stream().filter(l -> l.startsWith("1 ")).findFirst().orElseThrow();
        // text cut with an ellipsis, keeping its start; numbers and the state whole
        assertThat(row).contains("sip:alice@", "…", "COMPLETED", "7.608");
        assertThat(row.split("\\s+")[0]).isEqualTo("1");
        final List<String> narrow = onTerminal(80, Map.of(), "calls", "samples/sip-call.pcap");
        assertThat(widest(narrow)).isLessThanOrEqualTo(80);

        // --wide on a terminal: as in a pipe
        assertThat(onTerminal(100, Map.of(), "calls", "--wide", "samples/sip-call.pcap").subList(0, whole.size() - 1))
            .isEqualTo(whole.subList(0, whole.size() - 1));
    }

    @Test
    void everyTableFitsEightyColumns() throws Exception {
        for (final String[] c : List.of(new String[] {"rtp", "samples/sip-call.pcap"},
            new String[] {"dubbo", "samples/dubbo/dubbo-calls.pcap"},
            new String[] {"webrtc", "samples/webrtc/chromium-loopback.pcap"},
            new String[] {"flows", "samples/sip-call.pcap"}, new String[] {"sip", "samples/sip-auth.pcap"})) {
            assertThat(widest(piped(Map.of(), c[0], c[1]))).as(c[0] + " whole").isGreaterThan(100);
            final List<String> fitted = piped(Map.of(), c[0], "--width", "80", c[1]);
            assertThat(widest(fitted)).as(c[0] + " at 80: %s", String.join("\n", fitted)).isLessThanOrEqualTo(80);
        }
    }

    @Test
    void ladderLanesDoNotRunIntoEachOtherAtSixtyColumns() throws Exception {
        final List<String> l = piped(Map.of(), "ladder", "--width", "60", "samples/sip-call.pcap");
        assertThat(widest(l)).as(String.join("\n", l)).isLessThanOrEqualTo(60);
        final int tees = (int) l.stream().filter(x -> x.contains("┬")).findFirst().orElseThrow().chars().filter(ch -> ch == '┬')
            .count();
        final String labels = l.get(l.indexOf(l.stream().filter(x -> x.contains("┬")).findFirst().orElseThrow()) - 1);
        // one label per lane, apart from each other, each ending with the lane's port
        final String[] words = labels.trim().split("\\s+");
        assertThat(words).hasSize(tees).hasSize(4);
        assertThat(words).allMatch(w -> w.matches(".*:(5060|6000|7000)"));
    }

    @Test
    void ladderFitsTheTerminalsWidthOnAPseudoTerminal() throws Exception {
        final List<String> l = onTerminal(100, Map.of(), "ladder", "--color=never", "samples/sip-call.pcap");
        assertThat(widest(l)).isLessThanOrEqualTo(100);
        assertThat(widest(piped(Map.of(), "ladder", "samples/sip-call.pcap"))).isGreaterThan(100);
    }

    @Test
    void colourOnATerminalUnlessNoColorIsSetAndNotEmpty() throws Exception {
        assertThat(String.join("\n", onTerminal(100, Map.of(), "ladder", "samples/sip-call.pcap"))).contains(ESC);
        assertThat(String.join("\n", onTerminal(100, Map.of("NO_COLOR", ""), "ladder", "samples/sip-call.pcap"))).contains(ESC);
        assertThat(String.join("\n", onTerminal(100, Map.of("NO_COLOR", "1"), "ladder", "samples/sip-call.pcap")))
            .doesNotContain(ESC);
        assertThat(String.join("\n", onTerminal(100, Map.of(), "ladder", "--color=never", "samples/sip-call.pcap")))
            .doesNotContain(ESC);
        assertThat(String.join("\n", piped(Map.of(), "ladder", "samples/sip-call.pcap"))).doesNotContain(ESC);
        assertThat(String.join("\n", piped(Map.of(), "ladder", "--color=always", "samples/sip-call.pcap"))).contains(ESC);
    }

    @Test
    void widthFromTheTerminalThenColumnsThenEighty() {
        assertThat(TerminalInfo.width(true, 132, Map.of("COLUMNS", "90"))).isEqualTo(132);
        assertThat(TerminalInfo.width(true, 0, Map.of("COLUMNS", "90"))).isEqualTo(90);
        assertThat(TerminalInfo.width(true, 0, Map.of())).isEqualTo(80);
        assertThat(TerminalInfo.width(false, 132, Map.of("COLUMNS", "90"))).isZero();
        assertThat(TerminalInfo.colour(true, Map.of("NO_COLOR", ""))).isTrue();
        assertThat(TerminalInfo.colour(true, Map.of("NO_COLOR", "0"))).isFalse();
        assertThat(TerminalInfo.colour(true, Map.of("TERM", "dumb"))).isFalse();
        assertThat(TerminalInfo.colour(false, Map.of())).isFalse();
    }
}

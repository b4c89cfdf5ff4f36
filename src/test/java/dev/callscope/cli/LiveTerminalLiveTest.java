package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code capture} on a real pseudo-terminal of a given size: {@code script} (util-linux) runs the
 * command in a new session on a pty of 100x24 columns and rows, the test types keys into it and
 * reads what the terminal shows. SIP is sent from the test between two loopback sockets, and the
 * capture filter takes only their ports (root and libpcap: run with -Dtest.groups=live).
 */
@Tag("live")
class LiveTerminalLiveTest {
    private DatagramSocket a;
    private DatagramSocket b;
    private Process process;
    private final StringBuffer shown = new StringBuffer();
    private OutputStream keys;
    private Thread reader;

    @BeforeEach
    void sockets() throws IOException {
        a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        b = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private static String quote(final String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Starts callscope ARGS under script on a 100x24 pty; then prints its exit code and the terminal's modes. */
    private void start(final boolean withoutCi, final String... args) throws IOException {
        final List<String> cmd = ChildJvm.of(List.of(), Main.class, args).command();
        final StringBuilder line = new StringBuilder("stty cols 100 rows 24 && ");
        for (final String s : cmd) {
            line.append(quote(s)).append(' ');
        }
        line.append("; echo EXIT=$?; stty -a");
        final ProcessBuilder pb = new ProcessBuilder("script", "-qfec", line.toString(), "/dev/null").redirectErrorStream(true);
        pb.environment().put("TERM", "xterm-256color");
        pb.environment().put("SHELL", "/bin/bash"); // waits for the JVM after Ctrl-C and goes on
        if (withoutCi) {
            pb.environment().remove("CI");
        }
        process = pb.start();
        keys = process.getOutputStream();
        final InputStream in = process.getInputStream();
        reader = new Thread(() -> {
            final byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    shown.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "pty-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private String bpf() {
        return "udp port " + a.getLocalPort() + " or udp port " + b.getLocalPort();
    }

    /** Waits until what the terminal showed (from {@code from} on) satisfies {@code p}. */
    private String await(final String what, final int from, final Predicate<String> p, final long seconds) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            final String s = shown.substring(Math.min(from, shown.length()));
            if (p.test(s)) {
                return s;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + what + " within " + seconds + " s; the terminal showed:\n"
            + shown.toString().replace("\033", "\\e"));
    }

    /** Waits for the end of the command and of what it printed (its exit code and the terminal's modes). */
    private String end() throws Exception {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("still running; the terminal showed:\n" + shown.toString().replace("\033", "\\e"));
        }
        reader.join(10_000);
        return shown.toString();
    }

    /** Waits until the last screen drawn (after {@code from}) is whole, its footer drawn, and satisfies {@code p}. */
    private String awaitScreen(final String what, final int from, final Predicate<String> p, final long seconds)
            throws Exception {
        return await(what, from, s -> {
            final int home = s.lastIndexOf("\033[H");
            if (home < 0) {
                return false;
            }
            final String screen = s.substring(home);
            return (screen.contains("Enter ladder") || screen.contains("q back")) && p.test(screen);
        }, seconds);
    }

    private void type(final String s) throws IOException {
        keys.write(s.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private static String message(final String first, final String cseq, final int from) {
        return first + "\r\nVia: SIP/2.0/UDP 127.0.0.1:" + from + ";branch=z9hG4bK-pty" + cseq.replace(' ', '-')
            + "\r\nFrom: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>" + (first.startsWith("SIP/2.0") ? ";tag=b" : "")
            + "\r\nCall-ID: pty-1@test\r\nCSeq: " + cseq + "\r\nContent-Length: 0\r\n\r\n";
    }

    private void send(final DatagramSocket s, final DatagramSocket to, final String first, final String cseq) throws IOException {
        final byte[] m = message(first, cseq, a.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(m, m.length, InetAddress.getLoopbackAddress(), to.getLocalPort()));
    }

    /** The rows of the last screen drawn, without colours. */
    private static List<String> lastScreen(final String s) {
        final String screen = s.substring(s.lastIndexOf("\033[H") + 3);
        final List<String> rows = new ArrayList<>();
        for (final String r : screen.split("\r+\n", -1)) {
            rows.add(r.replaceAll("\033\\[[0-9;?]*[A-Za-z]", ""));
        }
        return rows;
    }

    @Test
    void theCallsViewFollowsEachMessageAnswersKeysAndGivesTheTerminalBack() throws Exception {
        start(false, "capture", "-i", "lo", "-f", bpf(), "--view", "calls");
        await("the calls screen", 0, s -> s.contains("\033[?1049h") && s.contains("no calls yet"), 30);

        send(a, b, "INVITE sip:bob@127.0.0.1:" + b.getLocalPort() + " SIP/2.0", "1 INVITE");
        // shown with no later packet to push it out
        int mark = shown.length();
        await("the INVITE", 0, s -> s.contains("CALL SETUP"), 3);
        // the timer runs with no packet at all
        final String timer = awaitScreen("a running timer", mark,
            s -> Pattern.compile("CALL SETUP +0:02  pty-1@test").matcher(s).find(), 6);
        final List<String> list = lastScreen(timer);
        assertThat(list).hasSize(24);
        assertThat(list.get(0)).startsWith("Capturing on lo: 1 packets, 1 calls; dropped: kernel 0, queue 0");
        assertThat(list.get(1)).containsPattern("#  Start +Method  From +To +Msgs  State +Duration  Call-ID");
        assertThat(list.get(2)).startsWith("> 1  ").contains("INVITE  sip:alice@127.").contains("pty-1@test");
        assertThat(list.get(23)).contains("Enter ladder").contains("call 1 of 1");
        assertThat(list).allSatisfy(r -> assertThat(r.length()).isLessThanOrEqualTo(100));

        send(b, a, "SIP/2.0 180 Ringing", "1 INVITE");
        send(b, a, "SIP/2.0 200 OK", "1 INVITE");
        send(a, b, "ACK sip:bob@127.0.0.1:" + b.getLocalPort() + " SIP/2.0", "1 ACK");
        await("the answered call", 0, s -> s.contains("IN CALL"), 3);

        type("%%%"); // not bound: neither echoed nor acted on
        type("\033[B"); // down: still call 1, the only one
        type("\r");
        mark = shown.length();
        final String ladder = awaitScreen("the ladder", mark, s -> s.contains("Call 1  INVITE") && s.contains("ACK"), 5);
        assertThat(lastScreen(ladder).get(0)).startsWith("Call 1  INVITE  sip:alice@127.0.0.1 -> sip:bob@127.0.0.1  IN CALL");
        assertThat(String.join("\n", lastScreen(ladder))).contains("INVITE").contains("180 Ringing").contains("200 OK")
            .contains("ACK");

        type("q");
        mark = shown.length();
        awaitScreen("the list again", mark, s -> s.contains("Enter ladder"), 5);
        type("q");
        final String end = end();
        assertThat(end).contains("EXIT=0");
        final String after = end.substring(end.lastIndexOf("\033[?1049l"));
        assertThat(after).contains("Capturing on lo: 4 packets, 1 calls; dropped: kernel 0, queue 0 (stopped)")
            .contains("Packets:      4").contains("Capture:      4 packets captured");
        assertThat(end).doesNotContain("%%%").doesNotContain("Exception");
        // the cursor is back and the modes are the shell's again: echo and line editing
        assertThat(end.lastIndexOf("\033[?25h")).isGreaterThan(end.lastIndexOf("\033[?25l"));
        final String modes = end.substring(end.indexOf("EXIT="));
        assertThat(modes).containsPattern("[ \n]echo ").containsPattern("[ \n]icanon ").containsPattern("[ \n]isig ")
            .doesNotContain("-echo ").doesNotContain("-icanon");
    }

    @Test
    void ctrlCStopsTheViewRestoresTheTerminalAndPrintsTheSummary() throws Exception {
        start(false, "capture", "-i", "lo", "-f", bpf(), "--view", "calls");
        await("the calls screen", 0, s -> s.contains("no calls yet"), 30);
        send(a, b, "INVITE sip:bob@127.0.0.1:" + b.getLocalPort() + " SIP/2.0", "1 INVITE");
        await("the INVITE", 0, s -> s.contains("CALL SETUP"), 3);
        type("\r"); // the ladder is open when Ctrl-C comes
        await("the ladder", 0, s -> s.contains("q back"), 5);
        type("\003");
        final String end = end();
        final String after = end.substring(end.lastIndexOf("\033[?1049l"));
        assertThat(end.lastIndexOf("\033[?25h")).isGreaterThan(end.lastIndexOf("\033[?25l"));
        assertThat(after).contains("Packets:      1").doesNotContain("Exception");
        final String modes = end.substring(end.indexOf("EXIT="));
        assertThat(modes).containsPattern("[ \n]echo ").containsPattern("[ \n]icanon ").doesNotContain("-echo ");
    }

    @Test
    void plainCaptureSaysWhereAndCountsOnATerminalOnly() throws Exception {
        start(true, "capture", "-i", "lo", "-f", bpf(), "--duration", "2", "-q");
        String end = end();
        assertThat(end).contains("Packets:      0").doesNotContain("Capturing on").doesNotContain("/s; dropped: kernel");

        shown.setLength(0);
        start(true, "capture", "-i", "lo", "-f", bpf(), "--duration", "5");
        await("the capture line", 0, s -> s.contains("Capturing on 'lo'\r\n"), 30);
        Thread.sleep(500);
        for (int i = 0; i < 3; i++) {
            send(a, b, "OPTIONS sip:bob@127.0.0.1 SIP/2.0", (i + 1) + " OPTIONS");
        }
        end = end();
        assertThat(end).contains("EXIT=0");
        // the counter is rewritten in place and left with the final figures above the summary
        assertThat(end).containsPattern("\r0 packets, 0/s; dropped: kernel 0, queue 0\033\\[K")
            .contains("\r3 packets captured; dropped: kernel 0, queue 0\033[K\r\n").contains("Packets:      3");

        // on a pipe: the line, no counter
        final CliTest.Run r = CliTest.run("capture", "-i", "lo", "-f", bpf(), "--duration", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEqualTo("Capturing on 'lo'" + System.lineSeparator());
    }
}

package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live calls view and the shell's background capture on lo (root and libpcap: run with -Dtest.groups=live). */
@Tag("live")
class LiveViewTest {
    private static String message(final String first, final String callId, final String cseq, final int port) {
        return first + "\r\nVia: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK-" + callId + cseq.replace(' ', '-')
            + "\r\nFrom: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>" + (first.startsWith("SIP/2.0") ? ";tag=b" : "")
            + "\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq + "\r\nContent-Length: 0\r\n\r\n";
    }

    /** INVITE, 180, 200, ACK between two loopback sockets. */
    private static void call(final String callId) throws Exception {
        try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            final int pa = a.getLocalPort();
            final int pb = b.getLocalPort();
            send(a, pb, message("INVITE sip:bob@127.0.0.1:" + pb + " SIP/2.0", callId, "1 INVITE", pa));
            send(b, pa, message("SIP/2.0 180 Ringing", callId, "1 INVITE", pa));
            send(b, pa, message("SIP/2.0 200 OK", callId, "1 INVITE", pa));
            send(a, pb, message("ACK sip:bob@127.0.0.1:" + pb + " SIP/2.0", callId, "1 ACK", pa));
        }
    }

    private static void send(final DatagramSocket s, final int port, final String text) throws Exception {
        final byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
        Thread.sleep(300);
    }

    @Test
    void captureViewCallsPrintsEachCallAndStateChangeWhenNotATerminal() throws Exception {
        final CompletableFuture<CliTest.Run> capture = CompletableFuture.supplyAsync(() ->
            CliTest.run("capture", "-i", "lo", "-f", "udp", "--view", "calls", "--duration", "5"));
        Thread.sleep(1500);
        call("live-view-1@test");
        final CliTest.Run r = capture.get();
        assertThat(r.code()).as(r.err()).isZero();
        final List<String> lines = r.out().lines().filter(l -> l.contains("live-view-1@test")).toList();
        assertThat(lines).isNotEmpty();
        assertThat(lines.get(lines.size() - 1)).contains("call 1  INVITE  sip:alice@127.0.0.1 -> sip:bob@127.0.0.1  IN CALL");
        assertThat(r.out()).doesNotContain("\033[2J").contains("Protocol hierarchy");
    }

    @Test
    void shellCapturesInTheBackgroundAndAnalysesWhatArrived(@TempDir final Path dir) throws Exception {
        final PipedOutputStream keys = new PipedOutputStream();
        final PipedInputStream in = new PipedInputStream(keys);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final CompletableFuture<Integer> shell = CompletableFuture.supplyAsync(() -> {
            try {
                return ShellCommand.run(in, out, dir.resolve("history"), List.of());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        type(keys, "capture -i lo -f udp");
        Thread.sleep(1500);
        call("live-shell-1@test");
        type(keys, "calls");
        type(keys, "capture --stop");
        type(keys, "ladder 1");
        type(keys, "exit");
        assertThat(shell.get()).isZero();
        final String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("capturing on lo in the background").contains("live-shell-1@test").contains("IN CALL")
            .contains("capture stopped").contains("180 Ringing");
    }

    private static void type(final OutputStream keys, final String line) throws Exception {
        keys.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        keys.flush();
        Thread.sleep(700);
    }

}

package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.shell.Shell;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives {@code callscope shell} through JLine's dumb terminal with scripted input. */
class ShellTest {
    /** Runs the shell on the lines and returns everything it wrote. */
    static String shell(final Path history, final List<String> files, final String... lines) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final String input = String.join("\n", lines) + "\n";
        final int code = ShellCommand.run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, history, files);
        assertThat(code).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void opensOnceThenCallsLadderExplainShowFilterAndExport(@TempDir final Path dir) throws Exception {
        final Path txt = dir.resolve("call1.txt");
        final Path pcap = dir.resolve("call1.pcapng");
        final String out = shell(dir.resolve("history"), List.of(),
            "open samples/sip-auth.pcap",
            "calls",
            "ladder 1",
            "explain 1",
            "show -x 1",
            "filter --state BUSY",
            "calls",
            "filter --clear",
            "export 1 -o " + txt,
            "export 1 -o " + pcap,
            "exit");
        assertThat(out).contains("opened samples/sip-auth.pcap: 10 frames, 1 SIP calls");
        // calls: the table from memory
        assertThat(out).contains("1  00:29:51.892  INVITE  sip:alice@127.0.0.11:5060").contains("COMPLETED");
        // ladder 1
        assertThat(out).contains("401 Unauthorized").contains("│────────────────────►│");
        // explain 1
        assertThat(out).contains("What: An authentication challenge")
            .contains("RFC 3261 §22.2")
            .contains("! Auth challenge")
            .contains("Why now: The previous INVITE was challenged with 401 Unauthorized (frame 2).");
        // show -x 1: the tshark -V tree with offsets, then the bytes
        assertThat(out).contains("Frame 1: 632 bytes on wire (5056 bits), 632 bytes captured (5056 bits)")
            .contains("Internet Protocol Version 4, Src: 127.0.0.11, Dst: 127.0.0.12")
            .contains("   34     8  User Datagram Protocol, Src Port: 5060, Dst Port: 5060")
            .contains("Call-ID: 1-27688@127.0.0.11")
            .contains("CSeq: 1 INVITE")
            .doesNotContain("tsNanos").doesNotContain("payloadHead")
            .contains("0000  00 00 00 00 00 00 00 00  00 00 00 00 08 00 45 00");
        // filter narrows calls
        assertThat(out).contains("filter: --state BUSY").contains("0 of 1 calls shown").contains("0 of 1 calls\n")
            .contains("filter cleared");
        // export
        assertThat(out).contains("wrote the ladder of Call 1").contains("wrote 10 frames (call 1: SIP and RTP)");
        assertThat(Files.readString(txt)).contains("INVITE (SDP)").contains("200 OK");
        int frames = 0;
        try (PacketSource s = CaptureFiles.open(pcap.toString())) {
            final RawFrame f = new RawFrame();
            while (s.next(f)) {
                frames++;
            }
        }
        assertThat(frames).isEqualTo(10);
    }

    @Test
    void commandsUseTheSessionButStillReadFilesGivenToThem(@TempDir final Path dir) throws Exception {
        final String out = shell(dir.resolve("history"), List.of("samples/sip-call.pcap"),
            "rtp", "flows", "sip", "calls samples/sip-busy.pcap", "calls");
        assertThat(out).contains("opened samples/sip-call.pcap: 479 frames, 1 SIP calls, 2 RTP streams");
        assertThat(out).contains("0xDEE0EE8F").contains("PCMA/8000");
        assertThat(out).contains("BUSY"); // the file given to calls
        assertThat(out.lines().filter(l -> l.contains("1-27528@127.0.0.11") && l.contains("COMPLETED")).count())
            .as("calls from memory before and after").isEqualTo(1);
    }

    @Test
    void exportsAnExplainedCallWithOnlyItsPacketsFromAMergedCapture(@TempDir final Path dir) throws Exception {
        final Path pcap = dir.resolve("busy.pcapng");
        final String out = shell(dir.resolve("history"), List.of("samples/sip-call.pcap", "samples/sip-busy.pcap"),
            "calls", "export 2 -o " + pcap, "explain 2");
        assertThat(out).contains("2 SIP calls").contains("486 Busy Here").contains("RFC 3261 §21.4.24");
        final String calls = CliTest.run("calls", pcap.toString()).out();
        assertThat(calls).contains("BUSY").doesNotContain("COMPLETED");
    }

    @Test
    void stepWalksTheLadderOneMessageAtATime(@TempDir final Path dir) throws Exception {
        final String out = shell(dir.resolve("history"), List.of("samples/sip-call.pcap"),
            "step 1", "step", "step --back", "step --to 9", "step");
        assertThat(out).contains("[1/9]").contains("[2/9]").contains(" 2. ").contains("100 Trying").contains("[9/9]")
            .contains("end of the ladder (9 messages)");
        assertThat(out).contains("What: Hop-by-hop");
    }

    @Test
    void dubboHeartbeatsExplained(@TempDir final Path dir) throws Exception {
        final String out = shell(dir.resolve("history"), List.of("samples/dubbo/dubbo-calls.pcap"),
            "dubbo", "explain --connection 1", "ladder --connection 1");
        assertThat(out).contains("1 Dubbo connections").contains("28 heartbeats");
        assertThat(out).contains("A heartbeat request (Event flag, two-way, body = serialized null)")
            .contains("Dubbo heartbeat rules").contains("The heartbeat response: same request id")
            .contains("It answers GreetingService#fail").contains("! The provider's method threw java.lang.IllegalStateException: boom");
    }

    @Test
    void historyIsKeptBetweenRunsAndCommandsWithoutACaptureSaySo(@TempDir final Path dir) throws Exception {
        final Path history = dir.resolve("history");
        final String out = shell(history, List.of(), "calls", "verify x", "compare y", "webrtc", "help");
        assertThat(out).contains("no capture open").doesNotContain("Exception").doesNotContain("not available");
        assertThat(out).contains("explain").contains("export").contains("filter").contains("show").contains("step");
        assertThat(Files.readString(history)).contains("verify x").contains("help");
        final String again = shell(history, List.of(), "exit");
        assertThat(again).doesNotContain("error");
        assertThat(Files.readString(history)).contains("verify x");
    }

    @Test
    void compareRunsASpecOrDrawsAReferenceCallBesideThisOne(@TempDir final Path dir) throws Exception {
        final String out = shell(dir.resolve("history"), List.of("samples/sip-busy.pcap"),
            "compare src/test/resources/specs/sip-call.yaml", "compare samples/sip-call.pcap", "webrtc");
        assertThat(out).contains("✘ state: expected COMPLETED, was BUSY").contains("3 of 13 assertion(s) passed");
        assertThat(out).containsPattern("this capture\\s+│ samples/sip-call.pcap");
        assertThat(out).containsPattern("486 Busy Here.*│.*180 Ringing");
    }

    @Test
    void completesCallNumbersCallIdsFramesConnectionsAndFiles() throws Exception {
        final ShellSession s = new ShellSession();
        s.open(List.of("samples/sip-auth.pcap", "samples/dubbo/dubbo-calls.pcap"));
        final Shell.Completions c = ShellCommand.completions(s);
        assertThat(c.candidates(List.of("ladder"))).contains("1", "1-27688@127.0.0.11");
        assertThat(c.candidates(List.of("calls", "--call-id"))).containsExactly("1-27688@127.0.0.11");
        assertThat(c.candidates(List.of("sip", "--call"))).contains("1");
        assertThat(c.candidates(List.of("show"))).as("the SIP frames, after Dubbo's earlier ones in the merge")
            .hasSize(10).contains("102", "111");
        assertThat(c.candidates(List.of("ladder", "--connection"))).containsExactly("1");
        assertThat(c.candidates(List.of("open"))).isSameAs(Shell.FILES);
        assertThat(c.candidates(List.of("export", "1", "-o"))).isSameAs(Shell.FILES);
        assertThat(c.candidates(List.of("flows", "--sort"))).isEmpty();
    }

    @Test
    void relaxedTreeKeepsTheCommandLineCommandsAndAddsTheShellOnes() {
        final var tree = ShellCommand.tree(new ShellSession());
        assertThat(tree.getSubcommands().keySet()).contains("calls", "ladder", "sip", "rtp", "dubbo", "flows", "read",
            "open", "show", "filter", "export", "explain", "step", "capture", "verify", "compare", "webrtc")
            .doesNotContain("shell", "generate-completion");
        assertThat(tree.getSubcommands().get("calls").getCommandSpec().positionalParameters())
            .allSatisfy(p -> assertThat(p.required()).isFalse());
        // the command line itself still requires files
        assertThat(CliTest.run("calls").code()).isEqualTo(2);
    }
}

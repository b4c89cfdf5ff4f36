package dev.callscope.cli;

import static dev.callscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regular expressions from the command line and from verify specs end in time: a pattern that
 * backtracks without end on a value gets one line and exit code 2.
 */
@Timeout(60)
class UserPatternsTest {
    /** 61 characters, 45 of them 'a', not ending in 'a': {@code (.*a){10}$} tries every way to pick ten of them. */
    private static final String FROM_URI = "sip:" + "a".repeat(45) + "@example.com";
    private static final String SLOW = "(.*a){10}$";

    @TempDir
    static Path dir;
    private static Path capture;

    @BeforeAll
    static void capture() throws IOException {
        capture = SipPcap.write(dir.resolve("long-from.pcap"), "<" + FROM_URI + ">",
            List.of("INVITE sip:bob@example.com SIP/2.0", "SIP/2.0 200 OK", "ACK sip:bob@example.com SIP/2.0",
                "BYE sip:bob@example.com SIP/2.0", "SIP/2.0 200 OK"));
    }

    @Test
    void theCaptureHasTheCallWithTheLongFrom() {
        final CliTest.Run r = run("calls", "--from", "^sip:a{45}@", capture.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(FROM_URI).hasSize(61);
        assertThat(r.out()).contains("generated-1@example.com").contains("1 calls");
    }

    @Test
    void aBacktrackingFromPatternIsAUsageErrorOfOneLine() {
        final String expected = "callscope: error: --from pattern '(.*a){10}$' takes too long on a From of 61 characters; simplify it";
        for (final String[] args : List.of(new String[] {"calls", "--from", SLOW, capture.toString()},
                                           new String[] {"calls", "--jsonl", "--from", SLOW, capture.toString()},
                                           new String[] {"sip", "--jsonl", "--from", SLOW, capture.toString()},
                                           new String[] {"ladder", "--from", SLOW, capture.toString()})) {
            final long t0 = System.nanoTime();
            final CliTest.Run r = run(args);
            assertThat(r.code()).as("%s: %s", List.of(args), r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().lines().toList()).as(List.of(args).toString()).containsExactly(expected);
            assertThat(r.out()).isEmpty();
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for %s", List.of(args)).isLessThan(10_000);
        }
    }

    @Test
    void toAndCallIdPatternsAreBoundedToo() {
        final CliTest.Run to = run("calls", "--to", "(.*b){10}$", dir.resolve("long-from.pcap").toString());
        assertThat(to.code()).as(to.err()).isZero(); // 'sip:bob@example.com' has too few b to blow up
        final CliTest.Run id = run("calls", "--call-id", "(.*.){12}x$", capture.toString());
        assertThat(id.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(id.err()).isEqualTo("callscope: error: --call-id pattern '(.*.){12}x$' takes too long on a Call-ID of 23 "
            + "characters; simplify it" + System.lineSeparator());
    }

    @Test
    void aBacktrackingSpecPatternIsABadSpec() throws IOException {
        final Path spec = Files.writeString(dir.resolve("slow.yaml"), "name: slow\nsip:\n  - match:\n      from: \"" + SLOW
            + "\"\n    sequence: \"INVITE, 200, ACK, BYE, 200\"\n");
        final CliTest.Run r = run("verify", "--spec", spec.toString(), capture.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().lines().toList()).containsExactly("callscope: bad spec: " + spec
            + ": match.from pattern '(.*a){10}$' takes too long on a From of 61 characters; simplify it");
        final Path ok = Files.writeString(dir.resolve("ok.yaml"), "name: ok\nsip:\n  - match:\n      from: \"a{45}\"\n"
            + "    sequence: \"INVITE, 200, ACK, BYE, 200\"\n");
        final CliTest.Run passed = run("verify", "--spec", ok.toString(), capture.toString());
        assertThat(passed.code()).as(passed.out() + passed.err()).isZero();
    }
}

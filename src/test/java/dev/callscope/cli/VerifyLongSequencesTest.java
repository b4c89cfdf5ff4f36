package dev.callscope.cli;

import static dev.callscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** verify on a call of 30,003 messages with a sequence of 20,004 items: a verdict, not a stack overflow. */
@Timeout(120)
class VerifyLongSequencesTest {
    private static final int INFOS = 30_000;

    @TempDir
    static Path dir;
    private static Path capture;

    @BeforeAll
    static void capture() throws IOException {
        final List<String> lines = new ArrayList<>(List.of("INVITE sip:bob@example.com SIP/2.0", "SIP/2.0 200 OK",
            "ACK sip:bob@example.com SIP/2.0"));
        lines.addAll(Collections.nCopies(INFOS, "INFO sip:bob@example.com SIP/2.0"));
        capture = SipPcap.write(dir.resolve("infos.pcap"), "<sip:alice@example.com>", lines);
    }

    private static CliTest.Run verify(final String name, final String sequence) throws IOException {
        final Path spec = Files.writeString(dir.resolve(name + ".yaml"), "name: " + name + "\nsip:\n  - sequence: \"" + sequence
            + "\"\n");
        return run("verify", "--ascii", "--spec", spec.toString(), capture.toString());
    }

    /**
     * Both verdicts on 30,003 messages are in SequencePatternTest; here the whole path (spec, analysis,
     * report) with passing sequences, as a failed one draws both ladders, which costs seconds.
     */
    @Test
    void aCallOfThirtyThousandMessagesAndASequenceOfTwentyThousandItems() throws IOException {
        final CliTest.Run star = verify("star", "INVITE, 200, ACK, INFO*");
        assertThat(star.code()).as(star.err()).isZero();
        assertThat(star.out()).contains("INVITE, 200, ACK, INFO, INFO, INFO").contains("PASSED 2 of 2 assertion(s) passed");
        final String infos = String.join(", ", Collections.nCopies(INFOS - 10_000, "INFO"));
        final CliTest.Run items = verify("items", "INVITE, 200, ACK, " + infos + ", INFO+");
        assertThat(items.code()).as(items.err()).isZero();
    }
}

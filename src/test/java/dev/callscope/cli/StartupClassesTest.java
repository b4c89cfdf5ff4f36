package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AssertJ is the library's API for tests ({@code dev.callscope.verify.assertj}), not part of a command's
 * run: the CLI reading a capture, drawing a ladder or verifying a spec loads none of its classes (nor
 * the shell's JLine when no shell is asked for). Checked on the classes a child JVM really loads.
 */
class StartupClassesTest {
    @TempDir
    Path dir;

    private List<String> loaded(final String... args) throws IOException, InterruptedException {
        final Path log = dir.resolve("classes-" + args[0] + ".log");
        final ProcessBuilder pb = ChildJvm.of(List.of("-Xlog:class+load=info:file=" + log), Main.class, args)
            .redirectErrorStream(true).redirectOutput(dir.resolve("out-" + args[0] + ".txt").toFile());
        final Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the command ends within a minute").isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("out-" + args[0] + ".txt"))).isZero();
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    @Test
    void commandsLoadNoAssertjNorJline() throws Exception {
        for (final String[] args : List.of(
            new String[] {"read", "samples/sip-call.pcap"},
            new String[] {"calls", "--json", "samples/sip-call.pcap"},
            new String[] {"ladder", "samples/sip-call.pcap"},
            new String[] {"verify", "--spec", "src/test/resources/specs/sip-call.yaml", "samples/sip-call.pcap"})) {
            final List<String> classes = loaded(args);
            assertThat(classes).as("class loading was logged").anyMatch(l -> l.contains("dev.callscope.cli.Main "));
            assertThat(classes).as(args[0]).noneMatch(l -> l.contains(" org.assertj."));
            assertThat(classes).as(args[0]).noneMatch(l -> l.contains(" org.jline."));
        }
    }
}

package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.bench.SyntheticCalls;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Out of memory and stack overflow end a command with one line on stderr and exit code 4. */
class FatalErrorsTest {
    private static final String HEAP = "^callscope: error: out of memory while reading .*calls\\.pcap; "
        + "raise the heap with CALLSCOPE_JAVA_OPTS=-Xmx\\d+[mg]$";

    /** The exit code and stderr of {@code main} in a JVM of its own with {@code options}; stdout is dropped. */
    private static Child java(final List<String> options, final Class<?> main, final String... args) throws Exception {
        final Process p = ChildJvm.of(options, main, args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        final String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Child(p.exitValue(), err);
    }

    record Child(int code, String err) {
    }

    @Test
    @Timeout(120)
    void runningOutOfHeapWhileReadingIsOneLineAndExitCode4(@TempDir final Path dir) throws Exception {
        final Path capture = dir.resolve("calls.pcap");
        // 3,000 calls of 7 SIP messages: 'sip' keeps a row of each of the 21,000 messages, more than 16 MiB hold
        SyntheticCalls.write(capture, new SyntheticCalls.Config(3000, 20, 100, 1));
        final Child c = java(List.of("-Xmx16m", "-XX:+UseSerialGC"), Main.class, "sip", capture.toString());
        assertThat(c.code()).as(c.err()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(c.err().lines().toList()).as(c.err()).hasSize(1).allMatch(l -> l.matches(HEAP));
    }

    @Test
    @Timeout(60)
    void anotherThreadRunningOutOfMemoryEndsTheProcessTheSameWay() throws Exception {
        final Child c = java(List.of("-Xmx64m"), FatalProbe.class);
        assertThat(c.code()).as(c.err()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(c.err().lines().toList()).containsExactly("callscope: error: out of memory while probing; "
            + "raise the heap with CALLSCOPE_JAVA_OPTS=-Xmx128m");
    }

    /** Recurses without end. */
    @Command(name = "deep")
    static final class Deep implements Callable<Integer> {
        int depth;

        @Override
        public Integer call() {
            return down(0);
        }

        private int down(final int n) {
            depth = n;
            return down(n + 1) + 1;
        }
    }

    @Test
    void aStackOverflowInACommandIsOneLineAndExitCode4() {
        final CommandLine cmd = new CommandLine(new Deep());
        Main.configure(cmd, false);
        final StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        Fatal.doing("testing");
        final int code = cmd.execute();
        Fatal.rearm();
        assertThat(code).isEqualTo(ExitCodes.INTERNAL);
        assertThat(((Deep) cmd.getCommand()).depth).isGreaterThan(1000);
        assertThat(err.toString()).isEqualTo("callscope: error: stack overflow while testing; "
            + "raise the stack size with CALLSCOPE_JAVA_OPTS=-Xss16m" + System.lineSeparator());
    }

    @Test
    void theHeapAdviceIsTwiceTheHeapAsAPowerOfTwo() {
        final long mib = Runtime.getRuntime().maxMemory() >> 20;
        final String advice = Fatal.biggerHeap();
        final long advised = advice.endsWith("g") ? Long.parseLong(advice.replace("g", "")) << 10 : Long.parseLong(advice.replace("m", ""));
        assertThat(Long.bitCount(advised)).isEqualTo(1);
        assertThat(advised).isGreaterThanOrEqualTo(Math.max(64, 2 * mib)).isLessThan(Math.max(128, 4 * mib));
    }
}

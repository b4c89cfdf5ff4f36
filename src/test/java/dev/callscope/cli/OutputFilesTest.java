package dev.callscope.cli;

import static dev.callscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.callscope.bench.SyntheticCalls;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * -o FILE and standard output: a regular file replaced whole, a link's target replaced with the
 * link kept, a FIFO or device written directly, a directory refused; write failures are one line
 * and exit code 3, except a reader that went away.
 */
@Timeout(60)
class OutputFilesTest {
    private static final String SAMPLE = "samples/sip-call.pcap";

    @TempDir
    Path dir;

    private static String expectedCalls() {
        final CliTest.Run r = run("calls", SAMPLE);
        assertThat(r.code()).isZero();
        return r.out();
    }

    private List<String> strays() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    @Test
    void aRegularFileIsReplacedWholeKeepingItsPermissions() throws IOException {
        final Path out = dir.resolve("calls.txt");
        Files.writeString(out, "old content that is longer than nothing\n".repeat(100));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r-----"));
        final Object inode = Files.getAttribute(out, "unix:ino");
        final CliTest.Run r = run("calls", "-o", out.toString(), SAMPLE);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(out)).isEqualTo(expectedCalls());
        assertThat(Files.getAttribute(out, "unix:ino")).as("a new file moved into place").isNotEqualTo(inode);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-r-----");
        assertThat(strays()).isEmpty();
    }

    @Test
    void aLinkKeepsPointingAtItsTargetWhichIsReplaced() throws IOException {
        final Path sub = Files.createDirectory(dir.resolve("sub"));
        final Path target = Files.writeString(sub.resolve("target.txt"), "old\n");
        final Path link = Files.createSymbolicLink(dir.resolve("link.txt"), Path.of("sub/target.txt"));
        final Path dangling = Files.createSymbolicLink(dir.resolve("dangling.txt"), Path.of("sub/new.txt"));
        final CliTest.Run r = run("calls", "-o", link.toString(), SAMPLE);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("sub/target.txt"));
        assertThat(Files.readString(target)).isEqualTo(expectedCalls());
        final CliTest.Run d = run("calls", "--json", "-o", dangling.toString(), SAMPLE);
        assertThat(d.code()).as(d.err()).isZero();
        assertThat(Files.isSymbolicLink(dangling)).isTrue();
        assertThat(Files.readString(sub.resolve("new.txt"))).startsWith("{");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sub.resolve("new.txt")))).isEqualTo("rw-r--r--");
        assertThat(strays()).isEmpty();
    }

    @Test
    void aDirectoryIsRefused() throws IOException {
        final Path d = Files.createDirectory(dir.resolve("out"));
        final Path link = Files.createSymbolicLink(dir.resolve("to-dir"), d);
        for (final Path p : List.of(d, link)) {
            final CliTest.Run r = run("calls", "-o", p.toString(), SAMPLE);
            assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
            assertThat(r.err().lines().toList()).containsExactly("callscope: error: " + p + ": is a directory");
        }
        try (Stream<Path> s = Files.list(d)) {
            assertThat(s.toList()).isEmpty();
        }
        final CliTest.Run capture = run("capture", "-i", "lo", "-c", "1", "-w", d.toString());
        assertThat(capture.code()).as("refused before capturing").isEqualTo(ExitCodes.INPUT);
        assertThat(capture.err().lines().toList()).containsExactly("callscope: error: " + d + ": is a directory");
        final CliTest.Run missing = run("calls", "-o", dir.resolve("no/such/dir/x.txt").toString(), SAMPLE);
        assertThat(missing.code()).isEqualTo(ExitCodes.INPUT);
        assertThat(missing.err()).contains("directory does not exist");
    }

    @Test
    void aFullDeviceIsOneLineAndExitCode3() {
        assumeThat(Path.of("/dev/full")).exists();
        final CliTest.Run r = run("calls", "-o", "/dev/full", SAMPLE);
        assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
        assertThat(r.err().lines().toList()).containsExactly("callscope: error: cannot write /dev/full: No space left on device");
        assertThat(Files.isRegularFile(Path.of("/dev/full"), LinkOption.NOFOLLOW_LINKS)).as("still the device").isFalse();
    }

    @Test
    void devNullIsWrittenNotReplaced() {
        assumeThat(Path.of("/dev/null")).exists();
        final CliTest.Run r = run("calls", "--jsonl", "-o", "/dev/null", SAMPLE);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(Files.isRegularFile(Path.of("/dev/null"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aFifoIsWrittenIntoAsItsReaderReads() throws Exception {
        assumeThat(Path.of("/usr/bin/mkfifo")).exists();
        final Path fifo = dir.resolve("calls.fifo");
        assertThat(new ProcessBuilder("/usr/bin/mkfifo", fifo.toString()).start().waitFor()).isZero();
        final CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        final CliTest.Run r = run("calls", "-o", fifo.toString(), SAMPLE);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo(expectedCalls());
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).as("still a FIFO").isFalse();
        assertThat(strays()).isEmpty();
    }

    /** Standard output whose writes fail with {@code reason}, as Main sets it up. */
    private static CliTest.Run runFailing(final String reason, final String... args) {
        final OutputStream failing = new OutputStream() {
            @Override
            public void write(final int b) throws IOException {
                throw new IOException(reason);
            }
        };
        final StringWriter err = new StringWriter();
        final int code = Main.run(new CheckedPrintWriter(failing, false), new PrintWriter(err), args);
        return new CliTest.Run(code, "", err.toString());
    }

    @Test
    void aStandardOutputThatFailsIsOneLineAndExitCode3ButAReaderGoneIsQuiet() {
        final CliTest.Run full = runFailing("No space left on device", "calls", SAMPLE);
        assertThat(full.code()).isEqualTo(ExitCodes.INPUT);
        assertThat(full.err().lines().toList()).containsExactly("callscope: error: cannot write output: No space left on device");
        final CliTest.Run streamed = runFailing("No space left on device", "sip", "--jsonl", SAMPLE);
        assertThat(streamed.code()).isEqualTo(ExitCodes.INPUT);
        final CliTest.Run gone = runFailing("Broken pipe", "calls", SAMPLE);
        assertThat(gone.code()).isZero();
        assertThat(gone.err()).isEmpty();
    }

    @Test
    void aProcessWhoseStandardOutputIsFullSaysSo() throws Exception {
        assumeThat(Path.of("/dev/full")).exists();
        final Process p = ChildJvm.of(List.of(), Main.class, "calls", SAMPLE).redirectOutput(new File("/dev/full")).start();
        final String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isEqualTo(ExitCodes.INPUT);
        assertThat(err.lines().toList()).containsExactly("callscope: error: cannot write output: No space left on device");
    }

    @Test
    void aProcessWhoseReaderGoesAwayEndsQuietly() throws Exception {
        final Path capture = dir.resolve("calls.pcap");
        // a 'sip' table of 3,500 messages, several times what a pipe holds
        SyntheticCalls.write(capture, new SyntheticCalls.Config(500, 20, 20, 3));
        final Process p = ChildJvm.of(List.of(), Main.class, "sip", capture.toString()).start();
        final byte[] first = p.getInputStream().readNBytes(100);
        p.getInputStream().close();
        final String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(first, StandardCharsets.UTF_8)).startsWith("Frame");
        assertThat(err).isEmpty();
        assertThat(p.exitValue()).isZero();
    }
}

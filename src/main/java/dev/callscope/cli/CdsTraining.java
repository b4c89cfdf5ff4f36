package dev.callscope.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build-time only: runs the common commands on the bundled samples in one JVM, so that
 * {@code -XX:DumpLoadedClassList} records the classes a run loads. The build turns that list into
 * the class-data-sharing archive the launcher uses (see the pom). Output is discarded.
 *
 * <p>Usage: {@code java -cp callscope.jar dev.callscope.cli.CdsTraining SAMPLES_DIR}
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(final String[] args) {
        final Path samples = Path.of(args.length > 0 ? args[0] : "samples");
        final String sip = samples.resolve("sip-call.pcap").toString();
        final String dubbo = samples.resolve("dubbo/dubbo-calls.pcap").toString();
        final String webrtc = samples.resolve("webrtc/chromium-loopback.pcap").toString();
        final PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
        final String[][] runs = {
            {"read", sip}, {"read", "--json", sip}, {"flows", sip}, {"calls", sip}, {"calls", "--json", sip},
            {"sip", sip}, {"rtp", sip}, {"ladder", sip}, {"dubbo", dubbo}, {"ladder", dubbo}, {"webrtc", webrtc},
        };
        for (final String[] run : runs) {
            if (Files.isReadable(Path.of(run[run.length - 1]))) {
                Main.run(sink, sink, run);
            }
        }
        // the shell: opening a capture and a few commands on a dumb terminal (its line reader's classes)
        if (Files.isReadable(Path.of(sip))) {
            try {
                final Path history = Files.createTempFile("callscope-cds", ".history");
                try {
                    final String script = "open " + sip + "\ncalls\nsip\nrtp\nladder 1\nexit\n";
                    ShellCommand.run(new java.io.ByteArrayInputStream(script.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        OutputStream.nullOutputStream(), history, java.util.List.of());
                } finally {
                    Files.deleteIfExists(history);
                }
            } catch (final java.io.IOException | RuntimeException e) {
                // training only: a shell that fails here leaves its classes out of the archive
            }
        }
    }
}

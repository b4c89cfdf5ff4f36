package dev.callscope.cli;

import dev.callscope.capture.Pcap4jFileSource;
import dev.callscope.core.InputException;
import dev.callscope.core.PacketSource;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.pcap.MergedSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Opens the files of an {@link InputOptions} with the chosen reader. */
final class Sources {
    private Sources() {
    }

    static PacketSource open(final InputOptions in) throws InputException {
        final boolean libpcap = in.reader == InputOptions.Reader.pcap4j || (in.bpf != null && !in.bpf.isBlank());
        if (!libpcap) {
            return CaptureFiles.openAll(in.files);
        }
        if (in.files.contains("-")) {
            throw new UsageException("the pcap4j reader (and -f/--bpf) cannot read standard input; use the builtin reader");
        }
        final List<PacketSource> sources = new ArrayList<>();
        try {
            for (final String f : in.files) {
                sources.add(Pcap4jFileSource.open(f, in.bpf));
            }
        } catch (InputException e) {
            for (final PacketSource s : sources) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw e;
        }
        return sources.size() == 1 ? sources.get(0) : new MergedSource(sources);
    }
}

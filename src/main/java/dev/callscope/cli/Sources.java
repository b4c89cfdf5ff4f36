package dev.callscope.cli;

import dev.callscope.core.InputException;
import dev.callscope.core.PacketSource;
import dev.callscope.pcap.CaptureFiles;

/** Opens the files of an {@link InputOptions} with the chosen reader. */
final class Sources {
    private Sources() {
    }

    static PacketSource open(final InputOptions in) throws InputException {
        return CaptureFiles.openAll(in.files);
    }
}

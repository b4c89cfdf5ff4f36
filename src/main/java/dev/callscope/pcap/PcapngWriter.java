package dev.callscope.pcap;

import dev.callscope.core.RawFrame;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a pcapng file: one SHB, one IDB per (link type, snaplen) seen or declared, EPBs with
 * nanosecond timestamps (if_tsresol = 9). tshark reads the result with identical packets.
 */
public final class PcapngWriter implements Closeable {

    /** @param userAppl written as the SHB's shb_userappl option (e.g. "callscope 0.1.0") */
    public PcapngWriter(final OutputStream out, final String userAppl) throws IOException {
        throw new UnsupportedOperationException("to be implemented");
    }

    /** Declares an interface up front (live capture knows it); returns its index. */
    public int addInterface(final int linkType, final int snaplen, final String name) throws IOException {
        throw new UnsupportedOperationException("to be implemented");
    }

    /** Writes a frame on interface {@code frame.interfaceId} (declared with addInterface) . */
    public void write(final RawFrame frame) throws IOException {
        throw new UnsupportedOperationException("to be implemented");
    }

    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException("to be implemented");
    }
}

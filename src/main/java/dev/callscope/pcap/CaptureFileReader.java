package dev.callscope.pcap;

import dev.callscope.core.PacketSource;
import java.io.IOException;

/**
 * What the pcap and pcapng readers share: the buffered input, the file's name, size and compressed
 * byte count, the packets returned so far, and the end they keep returning once reached.
 */
abstract class CaptureFileReader implements PacketSource, CaptureInfo {
    final InputBuffer in;
    final String name;
    final boolean gzip;
    final CountingInputStream file;
    final long size;
    long packets;
    /** {@link #next} has returned false or thrown: it returns false from now on. */
    boolean done;

    CaptureFileReader(final InputBuffer in, final boolean gzip, final CountingInputStream file, final long size) {
        this.in = in;
        this.name = in.name();
        this.gzip = gzip;
        this.file = file;
        this.size = size;
    }

    /** "pcap" or "pcapng". */
    abstract String kind();

    /** Packets returned so far. */
    public long packets() {
        return packets;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public String format() {
        return gzip ? kind() + " (gzip)" : kind();
    }

    /** Bytes read from the file so far (compressed bytes for a gzip file); safe to call from another thread. */
    @Override
    public long bytesRead() {
        return file.count();
    }

    /** The file's size (compressed for gzip), or -1 for standard input and other streams. */
    @Override
    public long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        done = true;
        in.close();
    }
}

package dev.callscope.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Test helpers: hand-made pcap files and the shared capture directory. */
final class TestCaptures {
    private TestCaptures() {
    }

    /** The shared captures directory, if present ({@link dev.callscope.testutil.SharedCaptures}). */
    static Optional<Path> sharedCaptures() {
        return dev.callscope.testutil.SharedCaptures.find();
    }

    /** Little-endian nanosecond pcap writer, one record per {@link #add}. */
    static final class PcapBuilder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        PcapBuilder(final int linkType, final int snaplen) {
            final ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0xA1B23C4D).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snaplen).putInt(linkType);
            out.writeBytes(h.array());
        }

        PcapBuilder add(final long sec, final int nanos, final byte[] data, final int origLen) {
            final ByteBuffer r = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            r.putInt((int) sec).putInt(nanos).putInt(data.length).putInt(origLen);
            out.writeBytes(r.array());
            out.writeBytes(data);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        Path write(final Path file) throws IOException {
            Files.write(file, bytes());
            return file;
        }
    }

    /** An Ethernet + IPv4 frame carrying a UDP (17) or TCP (6) header with the given ports and payload. */
    static byte[] ethIpv4(final int proto, final int srcPort, final int dstPort, final byte[] payload) {
        final int l4 = proto == 6 ? 20 : 8;
        final ByteBuffer b = ByteBuffer.allocate(14 + 20 + l4 + payload.length);
        b.put(new byte[] {0, 1, 2, 3, 4, 5}).put(new byte[] {6, 7, 8, 9, 10, 11}).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4 + payload.length)).putShort((short) 1)
                .putShort((short) 0).put((byte) 64).put((byte) proto).putShort((short) 0)
                .put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2});
        b.putShort((short) srcPort).putShort((short) dstPort);
        if (proto == 6) {
            b.putInt(1).putInt(0).put((byte) 0x50).put((byte) 0x18).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        } else {
            b.putShort((short) (8 + payload.length)).putShort((short) 0);
        }
        b.put(payload);
        return b.array();
    }
}

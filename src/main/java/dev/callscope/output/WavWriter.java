package dev.callscope.output;

import dev.callscope.flow.rtp.AudioExport;
import dev.callscope.flow.rtp.RtpStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Writes a G.711 stream's audio as a WAV file (RIFF, PCM 16-bit mono 8 kHz). The file is written
 * to a temporary sibling and moved into place when complete: whole or not at all.
 */
public final class WavWriter {
    private WavWriter() {
    }

    /** "stream-3-0x0A7328F3.wav". */
    public static String fileName(final RtpStream s) {
        return String.format(Locale.ROOT, "stream-%d-%s.wav", s.index(), s.ssrcHex());
    }

    /** Writes {@code samples} to {@code target} (replacing it). */
    public static void write(final Path target, final short[] samples) throws IOException {
        final Path dir = target.toAbsolutePath().getParent();
        final Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                final int dataBytes = samples.length * 2;
                final ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
                h.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                    .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                    .putShort((short) 1).putShort((short) 1).putInt(AudioExport.SAMPLE_RATE)
                    .putInt(AudioExport.SAMPLE_RATE * 2).putShort((short) 2).putShort((short) 16)
                    .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataBytes);
                out.write(h.array());
                final ByteBuffer b = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
                for (final short s : samples) {
                    if (b.remaining() < 2) {
                        out.write(b.array(), 0, b.position());
                        b.clear();
                    }
                    b.putShort(s);
                }
                out.write(b.array(), 0, b.position());
            }
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}

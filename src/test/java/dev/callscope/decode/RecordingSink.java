package dev.callscope.decode;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Test sink: collects delivered bytes (gaps as zero bytes in {@link #withGaps}) and gaps. */
final class RecordingSink implements TcpReassembler.Sink {
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    final ByteArrayOutputStream withGaps = new ByteArrayOutputStream();
    final List<long[]> gaps = new ArrayList<>();
    long gapBytes;

    @Override
    public void data(final byte[] buf, final int off, final int len) {
        if (len <= 0) {
            throw new AssertionError("empty data call");
        }
        data.write(buf, off, len);
        withGaps.write(buf, off, len);
    }

    @Override
    public void gap(final long seq, final int len) {
        if (len <= 0) {
            throw new AssertionError("empty gap");
        }
        gaps.add(new long[] {seq, len});
        gapBytes += len;
        withGaps.write(new byte[len], 0, len);
    }

    byte[] bytes() {
        return data.toByteArray();
    }
}

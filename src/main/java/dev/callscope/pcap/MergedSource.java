package dev.callscope.pcap;

import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Merges several sources by timestamp, like mergecap: each call returns the source head with the
 * smallest {@code tsNanos}; on equal times the source with the lower index goes first, and frames
 * of one source keep their order. {@code RawFrame.sourceIndex} is set to the source's index.
 *
 * <p>One frame of lookahead per source, held in preallocated frames; the returned frame gets the
 * head's fields and the two swap their data arrays, so nothing is copied or allocated per packet.
 *
 * <p>When a source fails in the middle (truncated or corrupt), it stops contributing, the others
 * continue, and the first such error is thrown once every other frame has been returned (later
 * errors are attached as suppressed). After that, {@link #next} returns false.
 */
public final class MergedSource implements PacketSource {
    private final PacketSource[] sources;
    private final RawFrame[] heads;
    private final boolean[] live;
    private boolean primed;
    private IOException deferred;

    public MergedSource(final List<? extends PacketSource> sources) {
        this.sources = sources.toArray(new PacketSource[0]);
        this.heads = new RawFrame[this.sources.length];
        this.live = new boolean[this.sources.length];
        for (int i = 0; i < heads.length; i++) {
            heads[i] = new RawFrame();
        }
    }

    @Override
    public boolean next(final RawFrame frame) throws IOException {
        if (!primed) {
            primed = true;
            for (int i = 0; i < sources.length; i++) {
                advance(i);
            }
        }
        int best = -1;
        long bestTs = 0;
        for (int i = 0; i < heads.length; i++) {
            if (live[i] && (best < 0 || heads[i].tsNanos < bestTs)) {
                best = i;
                bestTs = heads[i].tsNanos;
            }
        }
        if (best < 0) {
            final IOException e = deferred;
            if (e != null) {
                deferred = null;
                throw e;
            }
            return false;
        }
        final RawFrame head = heads[best];
        final byte[] swap = frame.data;
        frame.data = head.data;
        head.data = swap;
        frame.tsNanos = head.tsNanos;
        frame.linkType = head.linkType;
        frame.capLen = head.capLen;
        frame.origLen = head.origLen;
        frame.interfaceId = head.interfaceId;
        frame.sourceIndex = best;
        frame.fileOffset = head.fileOffset;
        advance(best);
        return true;
    }

    private void advance(final int i) {
        try {
            live[i] = sources[i].next(heads[i]);
        } catch (final IOException e) {
            live[i] = false;
            if (deferred == null) {
                deferred = e;
            } else {
                deferred.addSuppressed(e);
            }
        }
    }

    /** The merged sources, in index order. */
    @Override
    public void onSecrets(final SecretsListener listener) {
        for (final PacketSource s : sources) {
            s.onSecrets(listener);
        }
    }

    public List<PacketSource> sources() {
        return List.of(sources);
    }

    @Override
    public String describe() {
        final List<String> names = new ArrayList<>();
        for (final PacketSource s : sources) {
            names.add(s.describe());
        }
        return String.join(", ", names);
    }

    /** The distinct formats of the sources, e.g. "pcap" or "pcap, pcapng". */
    @Override
    public String format() {
        final Set<String> formats = new LinkedHashSet<>();
        for (final PacketSource s : sources) {
            formats.add(s.format());
        }
        return String.join(", ", formats);
    }

    /** The sum over the sources that count their bytes, or -1 when none does. */
    @Override
    public long bytesRead() {
        long sum = -1;
        for (final PacketSource s : sources) {
            final long n = s.bytesRead();
            if (n >= 0) {
                sum = Math.max(sum, 0) + n;
            }
        }
        return sum;
    }

    /** The sum of the sizes, or -1 when any is unknown. */
    @Override
    public long size() {
        long sum = 0;
        for (final PacketSource s : sources) {
            final long n = s.size();
            if (n < 0 || s.bytesRead() < 0) {
                return -1;
            }
            sum += n;
        }
        return sum;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (final PacketSource s : sources) {
            try {
                s.close();
            } catch (final IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

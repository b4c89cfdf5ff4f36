package dev.callscope.fuzz;

import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import java.util.List;

/** Frames held in memory, handed out in order as a capture file would. */
final class ListSource implements PacketSource {
    private final List<RawFrame> frames;
    private int next;

    ListSource(final List<RawFrame> frames) {
        this.frames = frames;
    }

    @Override
    public boolean next(final RawFrame frame) {
        if (next >= frames.size()) {
            return false;
        }
        frame.copyFrom(frames.get(next++));
        return true;
    }

    @Override
    public String describe() {
        return "fuzz case";
    }

    @Override
    public String format() {
        return "pcap";
    }

    @Override
    public void close() {
    }
}

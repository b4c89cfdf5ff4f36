package dev.callscope.engine;

import dev.callscope.core.Limits;
import dev.callscope.dissect.DecodeAs;
import java.util.List;

/**
 * How the engine runs: bounds, the user's decode-as rules, and whether {@link Engine#run} reads and
 * decodes frames on a second thread ahead of the dissectors (the results are the same either way).
 */
public record EngineOptions(Limits limits, List<DecodeAs> decodeAs, boolean decodeAhead) {
    public EngineOptions {
        decodeAs = List.copyOf(decodeAs);
    }

    /**
     * One thread by default. Decoding ahead on a second thread made every command slower on the
     * 2-vCPU machines we measure on (read of the 2,000-call capture 1.40 s with it, 0.99 s without;
     * rtp 2.12 s against 1.64 s): the engine's thread then reads every frame and decode result from
     * the other core's cache, which costs more than the decoding it is spared. The system property
     * {@code callscope.decodeAhead=true} turns it back on for comparison.
     */
    public EngineOptions(final Limits limits, final List<DecodeAs> decodeAs) {
        this(limits, decodeAs, Boolean.getBoolean("callscope.decodeAhead"));
    }

    public static EngineOptions defaults() {
        return new EngineOptions(new Limits(), List.of());
    }

    /** The same options on one thread, or decoding ahead. */
    public EngineOptions withDecodeAhead(final boolean on) {
        return new EngineOptions(limits, decodeAs, on);
    }
}

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

    /** Decoding ahead on a second thread (the default). */
    public EngineOptions(final Limits limits, final List<DecodeAs> decodeAs) {
        this(limits, decodeAs, true);
    }

    public static EngineOptions defaults() {
        return new EngineOptions(new Limits(), List.of());
    }

    /** The same options on one thread, or decoding ahead. */
    public EngineOptions withDecodeAhead(final boolean on) {
        return new EngineOptions(limits, decodeAs, on);
    }
}

package dev.callscope.engine;

import dev.callscope.core.Limits;
import dev.callscope.dissect.DecodeAs;
import java.util.List;

/** How the engine runs: bounds and the user's decode-as rules. */
public record EngineOptions(Limits limits, List<DecodeAs> decodeAs) {
    public EngineOptions {
        decodeAs = List.copyOf(decodeAs);
    }

    public static EngineOptions defaults() {
        return new EngineOptions(new Limits(), List.of());
    }
}

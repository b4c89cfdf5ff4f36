package dev.callscope.cli;

import dev.callscope.core.InputException;
import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.dissect.DecodeAs;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.Tap;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Runs the pipeline over the files named by {@link InputOptions} with the given taps. */
final class Analysis {
    /** What a run produced besides what the taps collected. */
    record Result(String format, InputException inputError) {
    }

    private Analysis() {
    }

    static Result run(final InputOptions in, final LimitOptions limitOptions, final List<? extends Tap> taps) throws IOException {
        final Limits limits = limitOptions.limits();
        final List<DecodeAs> rules = new ArrayList<>();
        for (final String r : in.decodeAs) {
            try {
                rules.add(DecodeAs.parse(r));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        final DissectorRegistry registry;
        try {
            registry = DissectorRegistry.builtIn(new LinkedHashSet<>(in.disabled));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--disable: " + e.getMessage());
        }
        final Engine engine;
        try {
            engine = new Engine(registry, new EngineOptions(limits, rules), taps);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try (PacketSource source = Sources.open(in)) {
            try {
                engine.run(source);
            } catch (InputException e) {
                return new Result(source.format(), e);
            }
            return new Result(source.format(), null);
        }
    }
}

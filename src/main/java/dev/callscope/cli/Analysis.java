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

/** Builds the engine from the options and runs the files through it with the given taps. */
final class Analysis {
    /** What a run produced besides what the taps collected. */
    record Result(String format, InputException inputError) {
        /** Fails the command after its output was written when the input broke part way. */
        int exitCode() throws InputException {
            if (inputError != null) {
                throw inputError;
            }
            return ExitCodes.OK;
        }
    }

    private Analysis() {
    }

    /** An engine configured from the dissector and limit options; bad values are usage errors. */
    static Engine engine(final DissectOptions d, final Limits limits, final List<? extends Tap> taps) {
        final List<DecodeAs> rules = new ArrayList<>();
        for (final String r : d.decodeAs) {
            try {
                rules.add(DecodeAs.parse(r));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        final DissectorRegistry registry;
        try {
            registry = DissectorRegistry.builtIn(new LinkedHashSet<>(d.disabled));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--disable: " + e.getMessage());
        }
        try {
            return new Engine(registry, new EngineOptions(limits, rules), taps);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static Result run(final InputOptions in, final LimitOptions limitOptions, final List<? extends Tap> taps) throws IOException {
        final Engine engine = engine(in.dissect, limitOptions.limits(), taps);
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

package dev.callscope.cli;

import dev.callscope.core.InputException;
import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.dissect.DecodeAs;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.tap.Tap;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.tls.KeyLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

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
        return engine(d, limits, taps, Map.of());
    }

    /**
     * An engine whose dissectors also get {@code preferences} (e.g. "rtp.keep_payload"); the
     * options add their own ("rtp.heuristic" for --rtp-heuristic).
     */
    static Engine engine(final DissectOptions d, final Limits limits, final List<? extends Tap> taps,
                         final Map<String, String> preferences) {
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
            final Map<String, String> prefs = new HashMap<>(preferences);
            if (d.rtpHeuristic) {
                prefs.put("rtp.heuristic", "true");
            }
            registry = DissectorRegistry.builtIn(new LinkedHashSet<>(d.disabled), prefs);
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
        return run(in, limitOptions, taps, Map.of(), null);
    }

    static Result run(final InputOptions in, final LimitOptions limitOptions, final List<? extends Tap> taps,
                      final Map<String, String> preferences) throws IOException {
        return run(in, limitOptions, taps, preferences, null);
    }

    /** A run whose records are written to {@code out} as the capture is read. */
    static Result run(final InputOptions in, final LimitOptions limitOptions, final List<? extends Tap> taps,
                      final StreamingOutput out) throws IOException {
        return run(in, limitOptions, taps, Map.of(), out);
    }

    /**
     * Runs the files (or the shell's capture) through the engine. Reading files shows the {@link
     * Progress} line on stderr when it is a terminal (see {@link TerminalInfo#progress}).
     *
     * @param out where records go while the capture is read, or null when output follows the run
     */
    private static Result run(final InputOptions in, final LimitOptions limitOptions, final List<? extends Tap> taps,
                              final Map<String, String> preferences, final StreamingOutput out) throws IOException {
        final Limits limits = limitOptions.limits();
        final Engine engine = engine(in.dissect, limits, taps, preferences);
        final ShellSession session = ShellSession.of(in.mixee, in);
        final KeyLog keys = session != null && in.keyLogs.isEmpty() ? session.keys() : KeyLogs.load(in.keyLogs, limits);
        engine.decrypt(keys);
        if (session == null) {
            Fatal.reading(in.files);
        } else {
            Fatal.doing("analysing " + session.describeFiles());
        }
        try (PacketSource source = session != null ? session.source() : Sources.open(in);
             Progress progress = session != null ? Progress.NONE
                 : Progress.start(in.quiet, out != null && out.toStdout(), source, engine::frames, calls(taps), err(in))) {
            source.onSecrets((type, data, off, len) -> {
                if (type == PacketSource.TLS_KEY_LOG) {
                    keys.read(data, off, len);
                }
            });
            try {
                engine.run(session != null ? source : HeapGuard.watching(source));
            } catch (InputException e) {
                return new Result(source.format(), e);
            }
            return new Result(source.format(), null);
        }
    }

    /** Calls seen by the SIP call tracker among the taps, or null when there is none. */
    private static LongSupplier calls(final List<? extends Tap> taps) {
        for (final Tap t : taps) {
            if (t instanceof SipCallTracker sip) {
                return sip::callsSeen;
            }
        }
        return null;
    }

    /** The command's stderr, or null when the options are not attached to a command. */
    private static PrintWriter err(final InputOptions in) {
        return in.mixee == null || in.mixee.commandLine() == null ? null : in.mixee.commandLine().getErr();
    }
}

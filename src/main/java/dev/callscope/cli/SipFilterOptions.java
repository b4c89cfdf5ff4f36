package dev.callscope.cli;

import dev.callscope.core.RegexBudget;
import dev.callscope.flow.sip.CallState;
import dev.callscope.flow.sip.SipCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Option;

/** Call filters shared by calls, sip and ladder. */
public final class SipFilterOptions {
    @Option(names = "--from", paramLabel = "REGEX", description = "Only calls whose From (URI or display name) matches.")
    String from;

    @Option(names = "--to", paramLabel = "REGEX", description = "Only calls whose To (URI or display name) matches.")
    String to;

    @Option(names = "--state", paramLabel = "STATE", split = ",",
        description = "Only calls in these states: CALL_SETUP, RINGING, IN_CALL, COMPLETED, CANCELLED, REJECTED, BUSY, FAILED, DIVERTED, PENDING.")
    List<String> states = new ArrayList<>();

    @Option(names = "--method", paramLabel = "METHOD", split = ",", description = "Only dialogs opened by these methods (INVITE, REGISTER, ...).")
    List<String> methods = new ArrayList<>();

    @Option(names = "--call-id", paramLabel = "REGEX", description = "Only calls whose Call-ID matches.")
    String callId;

    /** A pattern that took too long, kept for {@link #rethrow} (a filter may run where exceptions are contained). */
    private volatile RegexBudget.TooSlowException tooSlow;

    /**
     * The filters as one predicate. A pattern that reads more than {@link RegexBudget#STEPS}
     * characters of one value throws {@link RegexBudget.TooSlowException} (exit code 2), and so
     * does every later test.
     */
    Predicate<SipCall> predicate() {
        Predicate<SipCall> p = c -> true;
        if (from != null) {
            final Pattern re = regex("--from", from);
            p = p.and(c -> c.from() != null && (find(re, "--from", "a From", c.from().uri())
                || find(re, "--from", "a From display name", c.from().display())));
        }
        if (to != null) {
            final Pattern re = regex("--to", to);
            p = p.and(c -> c.to() != null && (find(re, "--to", "a To", c.to().uri())
                || find(re, "--to", "a To display name", c.to().display())));
        }
        if (callId != null) {
            final Pattern re = regex("--call-id", callId);
            p = p.and(c -> find(re, "--call-id", "a Call-ID", c.callId()));
        }
        if (!states.isEmpty()) {
            final List<CallState> wanted = new ArrayList<>();
            for (final String s : states) {
                try {
                    wanted.add(CallState.parse(s));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--state: unknown state '" + s + "'");
                }
            }
            p = p.and(c -> wanted.contains(c.state()));
        }
        if (!methods.isEmpty()) {
            final List<String> m = methods.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
            p = p.and(c -> m.contains(c.method()));
        }
        return p;
    }

    /**
     * Throws what a filter met while the engine ran: a listener's exception there is counted as a
     * dissector's fault and the run goes on, so streaming commands call this after the run.
     */
    void rethrow() {
        if (tooSlow != null) {
            throw tooSlow;
        }
    }

    private boolean find(final Pattern re, final String option, final String field, final String text) {
        rethrow();
        try {
            return RegexBudget.find(re, text);
        } catch (RegexBudget.TooSlowException e) {
            tooSlow = e.describe(option, field);
            throw tooSlow;
        }
    }

    private static Pattern regex(final String option, final String re) {
        try {
            return Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            throw new UsageException(option + ": bad regular expression: " + e.getDescription());
        }
    }
}

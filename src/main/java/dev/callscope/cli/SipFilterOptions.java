package dev.callscope.cli;

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

    Predicate<SipCall> predicate() {
        Predicate<SipCall> p = c -> true;
        if (from != null) {
            final Pattern re = regex("--from", from);
            p = p.and(c -> c.from() != null && (re.matcher(c.from().uri()).find() || re.matcher(c.from().display()).find()));
        }
        if (to != null) {
            final Pattern re = regex("--to", to);
            p = p.and(c -> c.to() != null && (re.matcher(c.to().uri()).find() || re.matcher(c.to().display()).find()));
        }
        if (callId != null) {
            final Pattern re = regex("--call-id", callId);
            p = p.and(c -> re.matcher(c.callId()).find());
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

    private static Pattern regex(final String option, final String re) {
        try {
            return Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            throw new UsageException(option + ": bad regular expression: " + e.getDescription());
        }
    }
}

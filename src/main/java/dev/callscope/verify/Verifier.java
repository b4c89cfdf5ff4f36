package dev.callscope.verify;

import dev.callscope.core.RegexBudget;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.ladder.Ladder;
import dev.callscope.ladder.SipLadders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Checks a {@link VerifySpec} against the {@link Evidence} of a capture. Pure: never prints, never
 * exits; the cli turns the {@link VerificationReport} into text, JUnit XML and an exit code.
 */
public final class Verifier {
    /**
     * The WebRTC extension point: given a rule, checks the capture's WebRTC sessions. The WebRTC
     * tracker (issue 6) plugs in here; without one, WebRTC rules fail with "no WebRTC support".
     */
    @FunctionalInterface
    public interface WebrtcChecker {
        Check.Outcome check(VerifySpec.WebrtcRule rule);
    }

    private final WebrtcChecker webrtc;

    public Verifier() {
        this(rule -> new Check.Outcome(false, "no WebRTC support in this build"));
    }

    public Verifier(final WebrtcChecker webrtc) {
        this.webrtc = webrtc;
    }

    public VerificationReport.Suite verify(final VerifySpec spec, final Evidence ev) {
        final List<VerificationReport.Result> out = new ArrayList<>();
        int n = 0;
        for (final VerifySpec.SipRule r : spec.sip()) {
            n++;
            sip(r, r.name() != null ? r.name() : "sip rule " + n, ev, out);
        }
        if (spec.dubbo() != null) {
            dubbo(spec.dubbo(), ev, out);
        }
        for (final VerifySpec.WebrtcRule r : spec.webrtc()) {
            out.add(VerificationReport.Result.of("webrtc", r.name() != null ? r.name() : r.check(), webrtc.check(r)));
        }
        return new VerificationReport.Suite(spec.name(), out);
    }

    /**
     * Whether a call is one a rule selects.
     *
     * @throws RegexBudget.TooSlowException when a pattern takes too long on the call's value
     */
    public static boolean selects(final VerifySpec.CallMatch m, final SipCall c) {
        return find(m.from(), c.from() == null ? "" : c.from().toString(), "from", "a From")
            && find(m.to(), c.to() == null ? "" : c.to().toString(), "to", "a To")
            && find(m.callId(), c.callId(), "call_id", "a Call-ID")
            && find(m.userAgent(), c.userAgent() == null ? "" : c.userAgent(), "user_agent", "a User-Agent")
            && find(m.method(), c.method(), "method", "a method");
    }

    private static boolean find(final String regex, final String value, final String key, final String field) {
        try {
            return regex == null || RegexBudget.find(Pattern.compile(regex), value);
        } catch (RegexBudget.TooSlowException e) {
            throw e.describe("match." + key, field);
        }
    }

    private void sip(final VerifySpec.SipRule r, final String name, final Evidence ev,
                     final List<VerificationReport.Result> out) {
        final List<SipCall> calls = ev.calls().stream().filter(c -> selects(r.match(), c)).toList();
        if (r.count() != null) {
            out.add(VerificationReport.Result.of(name, "exactly " + r.count() + " call(s)",
                new Check.Outcome(calls.size() == r.count(), calls.size() + " call(s) matched")));
        } else {
            out.add(VerificationReport.Result.of(name, "every call (at least one)",
                new Check.Outcome(!calls.isEmpty(), calls.size() + " call(s) matched")));
        }
        for (final SipCall c : calls) {
            final String group = name + " / call " + c.index() + " " + c.callId();
            if (r.sequence() != null) {
                final Check.Outcome o = Check.sequence(c, r.sequence(), r.participants());
                out.add(new VerificationReport.Result(group, "sequence", o.passed(), o.message(),
                    o.passed() ? null : expectedLadder(r, c), o.passed() ? null : SipLadders.of(List.of(c), false)));
            }
            if (r.maxRetransmissions() != null) {
                out.add(VerificationReport.Result.of(group, "retransmissions", Check.retransmissions(c, r.maxRetransmissions())));
            }
            if (r.state() != null) {
                out.add(VerificationReport.Result.of(group, "state", Check.state(c, r.state())));
            }
            final VerifySpec.Timing t = r.timing();
            if (t != null) {
                timing(out, group, "post-dial delay", c.postDialDelayMs(), "ms", t.postDialDelayMs());
                timing(out, group, "setup time", c.setupTimeMs(), "ms", t.setupTimeMs());
                timing(out, group, "ring time", c.ringTimeMs(), "ms", t.ringTimeMs());
                timing(out, group, "duration", c.durationSeconds(), "s", t.durationSeconds());
            }
            final VerifySpec.Media m = r.media();
            if (m != null) {
                media(out, group, c, ev, m);
            }
        }
    }

    private static void timing(final List<VerificationReport.Result> out, final String group, final String what,
                               final double v, final String unit, final VerifySpec.Range r) {
        if (r != null) {
            out.add(VerificationReport.Result.of(group, what, Check.timing(what, v, unit, r)));
        }
    }

    private static void media(final List<VerificationReport.Result> out, final String group, final SipCall c,
                              final Evidence ev, final VerifySpec.Media m) {
        final Map<String, Function<Void, Check.Outcome>> checks = new LinkedHashMap<>();
        if (Boolean.TRUE.equals(m.bothWays())) {
            checks.put("media both ways", x -> Check.bothWays(c, ev));
        }
        if (m.codec() != null) {
            checks.put("codec", x -> Check.codec(c, ev, m.codec()));
        }
        if (m.maxLossPercent() != null) {
            checks.put("loss %", x -> Check.lossBelow(c, ev, m.maxLossPercent()));
        }
        if (m.maxJitterMs() != null) {
            checks.put("jitter ms", x -> Check.jitterBelow(c, ev, m.maxJitterMs()));
        }
        if (m.minMos() != null) {
            checks.put("MOS", x -> Check.mosAbove(c, ev, m.minMos()));
        }
        if (m.dtmf() != null) {
            checks.put("DTMF", x -> Check.dtmf(c, ev, m.dtmf()));
        }
        checks.forEach((k, f) -> out.add(VerificationReport.Result.of(group, k, f.apply(null))));
    }

    private void dubbo(final VerifySpec.DubboRule d, final Evidence ev, final List<VerificationReport.Result> out) {
        if (ev.dubbo() == null) {
            out.add(VerificationReport.Result.of("dubbo", "dubbo analysed", new Check.Outcome(false, "no Dubbo tracker")));
            return;
        }
        for (final VerifySpec.DubboMethodRule m : d.methods()) {
            final String g = "dubbo " + m.method();
            if (m.calls() != null) {
                out.add(VerificationReport.Result.of(g, "calls", Check.calls(ev.dubbo(), m.method(), m.calls())));
            } else {
                final int n = Check.exchanges(ev.dubbo(), m.method()).size() + Check.tripleCalls(ev.dubbo(), m.method()).size();
                out.add(VerificationReport.Result.of(g, "called", new Check.Outcome(n > 0, n + " call(s)")));
            }
            if (!m.statuses().isEmpty()) {
                out.add(VerificationReport.Result.of(g, "statuses", Check.statuses(ev.dubbo(), m.method(), m.statuses())));
            }
            if (m.noUnanswered()) {
                out.add(VerificationReport.Result.of(g, "no unanswered", Check.noUnanswered(ev.dubbo(), m.method())));
            }
            if (m.noLate()) {
                out.add(VerificationReport.Result.of(g, "no late response", Check.noLate(ev.dubbo(), m.method())));
            }
            m.latencyMs().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.add(
                VerificationReport.Result.of(g, e.getKey() + " latency", Check.latency(ev.dubbo(), m.method(), e.getKey(), e.getValue()))));
        }
        if (d.noUnanswered()) {
            out.add(VerificationReport.Result.of("dubbo", "no unanswered request", Check.noUnanswered(ev.dubbo(), null)));
        }
        if (d.heartbeatsPresent()) {
            out.add(VerificationReport.Result.of("dubbo", "heartbeats present", Check.heartbeatsPresent(ev.dubbo())));
        }
        if (d.noMissedHeartbeats()) {
            out.add(VerificationReport.Result.of("dubbo", "no missed heartbeat", Check.noMissedHeartbeats(ev.dubbo())));
        }
        if (d.noLate()) {
            out.add(VerificationReport.Result.of("dubbo", "no late response", Check.noLate(ev.dubbo(), null)));
        }
        if (d.noPayloadOverLimit()) {
            out.add(VerificationReport.Result.of("dubbo", "no payload over the limit", Check.noPayloadOverLimit(ev.dubbo())));
        }
        if (d.noReconnects()) {
            out.add(VerificationReport.Result.of("dubbo", "no reconnect", Check.noReconnects(ev.dubbo())));
        }
    }

    /**
     * The expected sequence drawn as a ladder: lanes are the named participants, or the call's
     * caller and callee; requests go from caller to callee and responses back unless named.
     */
    public static Ladder expectedLadder(final VerifySpec.SipRule r, final SipCall c) {
        final List<String> names = new ArrayList<>(r.sequence().participants());
        if (names.size() < 2) {
            final String caller = c.entries().isEmpty() ? "caller" : String.valueOf(c.entries().get(0).message().src());
            final String callee = c.entries().isEmpty() ? "callee" : String.valueOf(c.entries().get(0).message().dst());
            names.clear();
            names.add(caller);
            names.add(callee);
        }
        final List<Ladder.Lane> lanes = new ArrayList<>();
        names.forEach(n -> lanes.add(new Ladder.Lane(n, n)));
        final List<Ladder.Step> steps = new ArrayList<>();
        final long t0 = c.startNanos();
        int k = 0;
        for (final SequencePattern.Item it : r.sequence().items()) {
            int from = it.from() != null ? names.indexOf(it.from()) : it.response() ? 1 : 0;
            int to = it.to() != null ? names.indexOf(it.to()) : it.response() ? 0 : 1;
            final String q = switch (it.quantifier()) {
                case '?' -> " (optional)";
                case '*' -> " (any number)";
                case '+' -> " (one or more)";
                default -> "";
            };
            steps.add(new Ladder.Arrow(t0 + k++, 0, Math.max(0, from), Math.max(0, to), it.what() + q, List.of(),
                List.of(it.response() ? "response" : "request"), null));
        }
        return new Ladder("expected", lanes, steps, Ladder.Kind.SIP);
    }
}

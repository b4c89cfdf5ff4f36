package dev.callscope.verify;

import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.flow.dubbo.DubboExchange;
import dev.callscope.dissect.http2.Http2Call;
import dev.callscope.flow.dubbo.DubboTracker;
import dev.callscope.flow.rtp.CallMedia;
import dev.callscope.flow.rtp.DtmfEvent;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.sip.CallState;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The individual checks, shared by the spec {@link Verifier} and the AssertJ API so both word
 * their results alike. Each returns an {@link Outcome}: passed or not, and the evidence.
 */
public final class Check {
    private Check() {
    }

    /** Passed or not, with the measured value or the reason. */
    public record Outcome(boolean passed, String message) {
        static Outcome of(final boolean ok, final String message) {
            return new Outcome(ok, message);
        }
    }

    private static String num(final double v) {
        return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    // ------------------------------------------------------------------ SIP

    /** The call's messages as a sequence matcher sees them: retransmissions left out. */
    public static List<SequencePattern.Message> messages(final SipCall call) {
        final List<SequencePattern.Message> l = new ArrayList<>();
        for (final SipEntry e : call.entries()) {
            if (e.retransmission()) {
                continue;
            }
            final SipMessage m = e.message();
            l.add(new SequencePattern.Message(m.isRequest() ? m.method() : String.valueOf(m.statusCode()), !m.isRequest(),
                String.valueOf(m.src()), String.valueOf(m.dst())));
        }
        return l;
    }

    /** "INVITE, 100, 180, 200, ACK, BYE, 200". */
    public static String flowText(final SipCall call) {
        final List<String> l = new ArrayList<>();
        messages(call).forEach(m -> l.add(m.label()));
        return String.join(", ", l);
    }

    public static Outcome sequence(final SipCall call, final SequencePattern p, final Map<String, String> participants) {
        final Map<String, Pattern> ps = new java.util.HashMap<>();
        participants.forEach((k, v) -> ps.put(k, Pattern.compile(v)));
        final boolean ok = p.matches(messages(call), ps);
        return Outcome.of(ok, ok ? flowText(call) : "expected " + p + "; actual " + flowText(call));
    }

    public static Outcome retransmissions(final SipCall call, final int max) {
        final long n = call.retransmissions();
        return Outcome.of(n <= max, n + " retransmission(s), at most " + max + " allowed");
    }

    public static Outcome state(final SipCall call, final String expected) {
        final CallState want = CallState.parse(expected);
        return Outcome.of(call.state() == want, call.state() == want ? call.state().label()
            : "expected " + want.label() + ", was " + call.state().label());
    }

    /** A timing (ms or s) against its budget; -1 means the call never got there. */
    public static Outcome timing(final String what, final double value, final String unit, final VerifySpec.Range r) {
        if (value < 0) {
            return Outcome.of(false, what + " not measurable (the call never reached that point); budget " + r + " " + unit);
        }
        final boolean ok = r.contains(value);
        return Outcome.of(ok, what + " " + num(value) + " " + unit + (ok ? " within " : " outside ") + r + " " + unit);
    }

    public static List<RtpStream> streams(final SipCall call, final Evidence ev) {
        return CallMedia.streamsOf(call, ev.streamsByCall());
    }

    public static Outcome bothWays(final SipCall call, final Evidence ev) {
        final List<RtpStream> s = streams(call, ev);
        final CallMedia.Verdict v = CallMedia.verdict(call, s);
        return Outcome.of(v == CallMedia.Verdict.OK, s.size() + " stream(s): " + v.label());
    }

    private static Outcome everyStream(final SipCall call, final Evidence ev, final String what,
                                       final java.util.function.Predicate<RtpStream> ok,
                                       final java.util.function.Function<RtpStream, String> value, final String budget) {
        final List<RtpStream> s = streams(call, ev);
        if (s.isEmpty()) {
            return Outcome.of(false, "no RTP stream for this call, so no " + what);
        }
        final List<String> parts = new ArrayList<>();
        boolean all = true;
        for (final RtpStream r : s) {
            final boolean good = ok.test(r);
            all &= good;
            parts.add(r.src() + "->" + r.dst() + " " + value.apply(r) + (good ? "" : " ✘"));
        }
        return Outcome.of(all, what + " " + String.join(", ", parts) + " (" + budget + ")");
    }

    public static Outcome codec(final SipCall call, final Evidence ev, final String codec) {
        final String want = codec.toLowerCase(Locale.ROOT);
        return everyStream(call, ev, "codec", r -> r.codec().toLowerCase(Locale.ROOT).startsWith(want), RtpStream::codec,
            "expected " + codec);
    }

    public static Outcome lossBelow(final SipCall call, final Evidence ev, final double maxPercent) {
        return everyStream(call, ev, "loss", r -> r.lostPercent() <= maxPercent, r -> num(r.lostPercent()) + " %",
            "at most " + num(maxPercent) + " %");
    }

    public static Outcome jitterBelow(final SipCall call, final Evidence ev, final double maxMs) {
        return everyStream(call, ev, "max jitter", r -> r.maxJitterMs() <= maxMs, r -> num(r.maxJitterMs()) + " ms",
            "at most " + num(maxMs) + " ms");
    }

    public static Outcome mosAbove(final SipCall call, final Evidence ev, final double min) {
        return everyStream(call, ev, "estimated MOS", r -> r.mosEstimate() >= min, r -> num(r.mosEstimate()),
            "at least " + num(min));
    }

    /** The call's DTMF digits in time order (RFC 4733 in its streams and SIP INFO). */
    public static String dtmf(final SipCall call, final Evidence ev) {
        final List<DtmfEvent> events = new ArrayList<>();
        streams(call, ev).forEach(s -> events.addAll(s.dtmf()));
        ev.sipInfoDtmf().stream().filter(d -> call.callId().equals(d.callId())).forEach(events::add);
        events.sort(Comparator.comparingLong(DtmfEvent::startNanos));
        final StringBuilder b = new StringBuilder();
        events.forEach(d -> b.append(d.digit()));
        return b.toString();
    }

    public static Outcome dtmf(final SipCall call, final Evidence ev, final String digits) {
        final String got = dtmf(call, ev);
        return Outcome.of(got.equalsIgnoreCase(digits), "expected \"" + digits + "\", got \"" + got + "\"");
    }

    // ------------------------------------------------------------------ Dubbo

    /** Whether a tracker's "service#method" is the one a spec names (the service may be a simple name). */
    public static boolean sameMethod(final String actual, final String wanted) {
        return actual.equals(wanted) || actual.endsWith("." + wanted);
    }

    public static List<DubboExchange> exchanges(final DubboTracker t, final String method) {
        return t.exchanges().stream().filter(x -> sameMethod(x.serviceMethod(), method)).toList();
    }

    /** The Triple calls (gRPC over HTTP/2) to {@code method}. */
    public static List<Http2Call> tripleCalls(final DubboTracker t, final String method) {
        return t.tripleCalls().stream().filter(c -> sameMethod(DubboTracker.tripleMethod(c), method)).toList();
    }

    public static Outcome calls(final DubboTracker t, final String method, final int n) {
        final int got = exchanges(t, method).size() + tripleCalls(t, method).size();
        return Outcome.of(got == n, "expected " + n + " call(s) to " + method + ", got " + got);
    }

    /** The status name a spec uses for an OK response whose result is an exception. */
    public static final String EXCEPTION = "EXCEPTION";

    /**
     * Every response's status is one of {@code allowed}: Dubbo's names (OK, CLIENT_TIMEOUT,
     * SERVER_TIMEOUT, BAD_REQUEST, SERVICE_NOT_FOUND, SERVICE_ERROR, ...) and {@link #EXCEPTION}.
     */
    public static Outcome statuses(final DubboTracker t, final String method, final List<String> allowed) {
        final java.util.Map<String, Long> seen = new java.util.TreeMap<>();
        for (final DubboExchange x : exchanges(t, method)) {
            if (x.response() != null) {
                String s = x.response().statusName();
                if (s != null && "OK".equals(s) && x.error()) {
                    s = EXCEPTION; // status OK, but the result is an exception thrown by the provider
                }
                seen.merge(s == null ? "?" : s, 1L, Long::sum);
            }
        }
        for (final Http2Call c : tripleCalls(t, method)) {
            // a Triple call: its gRPC status by name, EXCEPTION for Dubbo's tri-exception-code, RST_STREAM without a status
            final Integer g = c.grpcStatus();
            final String s = g == null ? (c.rstCode() >= 0 ? "RST_STREAM" : "?")
                : g == 0 && c.responseHeader("tri-exception-code") != null ? EXCEPTION : grpcStatusName(g);
            seen.merge(s, 1L, Long::sum);
        }
        final boolean ok = allowed.stream().map(a -> a.toUpperCase(Locale.ROOT)).toList().containsAll(seen.keySet());
        return Outcome.of(ok, "statuses " + seen + ", allowed " + allowed);
    }

    public static Outcome noUnanswered(final DubboTracker t, final String method) {
        final long n = (method == null ? t.exchanges().stream() : exchanges(t, method).stream())
            .filter(DubboExchange::unanswered).count()
            + (method == null ? t.tripleCalls().stream() : tripleCalls(t, method).stream())
                .filter(c -> c.grpcStatus() == null && c.rstCode() < 0).count();
        return Outcome.of(n == 0, n + " unanswered request(s)");
    }

    /** Quantile name ("p50", "p99.9", "max") to 0..1, or -1. */
    public static double quantile(final String name) {
        final String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("max")) {
            return 1.0;
        }
        if (n.matches("p\\d+(\\.\\d+)?")) {
            final double q = Double.parseDouble(n.substring(1)) / 100;
            return q > 0 && q <= 1 ? q : -1;
        }
        return -1;
    }

    public static Outcome latency(final DubboTracker t, final String method, final String quantile, final double maxMs) {
        final double q = quantile(quantile);
        final long[] lat = java.util.stream.LongStream.concat(
            exchanges(t, method).stream().mapToLong(DubboExchange::latencyNanos),
            tripleCalls(t, method).stream().mapToLong(c -> c.endNanos() < 0 || c.grpcStatus() == null ? -1 : c.endNanos() - c.tsNanos()))
            .filter(l -> l >= 0).sorted().toArray();
        if (lat.length == 0) {
            return Outcome.of(false, "no answered call to " + method + ", so no " + quantile + " latency");
        }
        final int rank = (int) Math.ceil(q * lat.length);
        final double ms = lat[Math.max(0, Math.min(lat.length - 1, rank - 1))] / 1e6;
        final boolean ok = ms <= maxMs;
        return Outcome.of(ok, quantile + " latency " + num(ms) + " ms" + (ok ? " within " : " over ") + num(maxMs) + " ms");
    }

    /** gRPC status names (OK, CANCELLED, ... UNAUTHENTICATED), "STATUS_N" past them. */
    static String grpcStatusName(final int s) {
        final String name = dev.callscope.dissect.http2.GrpcNames.status(s);
        return name == null ? "STATUS_" + s : name;
    }

    public static Outcome heartbeatsPresent(final DubboTracker t) {
        final long n = t.totals().heartbeats();
        return Outcome.of(n > 0, n + " heartbeat(s)");
    }

    /**
     * No call answered after the consumer's own deadline (dubbo: its timeout attachment or the
     * default; Triple: DEADLINE_EXCEEDED or an end after grpc-timeout), for one method or all.
     */
    public static Outcome noLate(final DubboTracker t, final String method) {
        final List<String> where = new ArrayList<>();
        long n = 0;
        for (final DubboExchange x : method == null ? t.exchanges() : exchanges(t, method)) {
            if (x.late()) {
                n++;
                if (where.size() < 5) {
                    where.add("frame " + x.response().frame() + " after " + num(x.latencyNanos() / 1e6) + " ms (timeout "
                        + x.timeoutNanos() / 1_000_000L + " ms)");
                }
            }
        }
        for (final Http2Call c : method == null ? t.tripleCalls() : tripleCalls(t, method)) {
            if (DubboTracker.tripleLate(c)) {
                n++;
                if (where.size() < 5) {
                    where.add("stream " + c.streamId() + " of frame " + c.frame());
                }
            }
        }
        return Outcome.of(n == 0, n + " late response(s)" + (where.isEmpty() ? "" : ": " + String.join(", ", where)));
    }

    /** No request or response over Dubbo's payload limit ({@code --dubbo-payload-limit}), by size or by the provider's error. */
    public static Outcome noPayloadOverLimit(final DubboTracker t) {
        final long n = t.totals().overPayloadLimit();
        final String first = t.exchanges().stream().filter(x -> x.overPayloadLimit() != null).findFirst()
            .map(x -> ": frame " + x.request().frame() + " " + x.serviceMethod() + ", " + x.overPayloadLimit()).orElse("");
        return Outcome.of(n == 0, n + " call(s) over the payload limit" + first);
    }

    /** No connection was a reconnect (a new connection from a consumer host to a provider it had lost). */
    public static Outcome noReconnects(final DubboTracker t) {
        final long n = t.totals().reconnects();
        return Outcome.of(n == 0, n + " reconnect(s)");
    }

    public static Outcome noMissedHeartbeats(final DubboTracker t) {
        final long n = t.totals().missedHeartbeats();
        return Outcome.of(n == 0, n + " missed heartbeat(s)");
    }
}

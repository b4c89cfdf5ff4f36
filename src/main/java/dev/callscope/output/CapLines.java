package dev.callscope.output;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.HeapBudget;
import dev.callscope.flow.rtp.RtpStreamTracker;
import dev.callscope.flow.sip.SipCallTracker;
import java.util.ArrayList;
import java.util.List;

/**
 * What the trackers dropped at a bound or because the heap was short: one line per bound hit,
 * naming the flag (or the heap option) that raises it, and the same counts for JSON documents.
 */
public final class CapLines {
    private CapLines() {
    }

    /** Lines about the SIP calls bound and heap shedding (empty when nothing was dropped). */
    public static List<String> sip(final SipCallTracker t, final int maxCalls) {
        final List<String> l = new ArrayList<>(2);
        if (t.droppedCalls() > 0) {
            l.add("--max-calls " + maxCalls + " reached: " + t.droppedCalls() + " calls were dropped, those without a response first");
        }
        if (t.shedCalls() > 0) {
            l.add(heap() + t.shedCalls() + " calls without a response were dropped; raise the heap with CALLSCOPE_JAVA_OPTS=-Xmx…");
        }
        return l;
    }

    /** Lines about the RTP streams bound and heap shedding. */
    public static List<String> rtp(final RtpStreamTracker t, final int maxStreams) {
        final List<String> l = new ArrayList<>(2);
        final String fate = t.streaming() ? " written before they ended" : " dropped";
        if (t.streamsLimitHits() > 0) {
            l.add("--max-streams " + maxStreams + " reached: " + t.streamsLimitHits()
                + " streams were" + fate + ", those of one packet first (" + t.droppedOnePacket() + " of them)");
        }
        if (t.shedStreams() > 0) {
            l.add(heap() + t.shedStreams() + " streams of one packet were" + fate + "; raise the heap with CALLSCOPE_JAVA_OPTS=-Xmx…");
        }
        if (t.intervalsDropped() > 0) {
            l.add("--max-intervals reached: " + t.intervalsDropped() + " --interval rows were not kept; use a longer --interval");
        }
        return l;
    }

    /** The SIP counts in a JSON document (only those that are not zero). */
    public static void sip(final ObjectNode o, final SipCallTracker t) {
        if (t.droppedCalls() > 0) {
            o.put("dropped_calls", t.droppedCalls());
        }
        if (t.droppedUnanswered() > 0) {
            o.put("dropped_calls_unanswered", t.droppedUnanswered());
        }
        if (t.shedCalls() > 0) {
            o.put("dropped_calls_heap", t.shedCalls());
        }
    }

    /** The RTP counts in a JSON document (only those that are not zero). */
    public static void rtp(final ObjectNode o, final RtpStreamTracker t) {
        if (t.streamsLimitHits() > 0) {
            o.put("dropped_streams", t.streamsLimitHits());
        }
        if (t.shedStreams() > 0) {
            o.put("dropped_streams_heap", t.shedStreams());
        }
        if (t.intervalsDropped() > 0) {
            o.put("dropped_intervals", t.intervalsDropped());
        }
    }

    private static String heap() {
        return "heap of " + HeapBudget.maxMiB() + " MiB short: ";
    }
}

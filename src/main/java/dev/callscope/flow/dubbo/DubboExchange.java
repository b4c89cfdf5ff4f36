package dev.callscope.flow.dubbo;

import dev.callscope.dissect.dubbo.DubboFrame;

/**
 * A request and, when one came, its response (paired by request id on one connection).
 * Mutable only while the tracker runs.
 */
public final class DubboExchange {
    /** How an exchange ended. */
    public enum State {
        /** The response came. */
        ANSWERED,
        /** A one-way request: no response expected. */
        ONE_WAY,
        /** No response by the end of the capture. */
        UNANSWERED_AT_END,
        /** No response before the connection closed (FIN or RST). */
        UNANSWERED_AT_CLOSE,
        /**
         * No response within the request's timeout (its {@code timeout} attachment, else the default)
         * and the linger after it, while the connection stayed open.
         */
        UNANSWERED_AFTER_TIMEOUT,
        /** Still waiting (only while the capture is read). */
        PENDING
    }

    private final DubboConnection connection;
    private final DubboFrame request;
    private DubboFrame response;
    private State state;
    private boolean duplicateId;
    /** The consumer's own deadline for the response: the request's timeout attachment, else the default. */
    long timeoutNanos = -1;
    /** Dubbo's payload setting the call is judged by. */
    long payloadLimit = Long.MAX_VALUE;
    /** While pending: the packet time after which the tracker gives up waiting, its order of request, its table. */
    long deadlineNanos;
    long seq;
    java.util.Map<Long, DubboExchange> waitingIn;

    DubboExchange(final DubboConnection connection, final DubboFrame request) {
        this.connection = connection;
        this.request = request;
        this.state = request.twoWay() ? State.PENDING : State.ONE_WAY;
    }

    public DubboConnection connection() {
        return connection;
    }

    public DubboFrame request() {
        return request;
    }

    /** The response, or null. */
    public DubboFrame response() {
        return response;
    }

    public State state() {
        return state;
    }

    /** Another request on the connection used the same id while this one was pending. */
    public boolean duplicateId() {
        return duplicateId;
    }

    /** Latency in nanoseconds, or -1 without a response. */
    public long latencyNanos() {
        return response == null ? -1 : response.tsNanos() - request.tsNanos();
    }

    public boolean unanswered() {
        return state == State.UNANSWERED_AT_END || state == State.UNANSWERED_AT_CLOSE
            || state == State.UNANSWERED_AFTER_TIMEOUT;
    }

    /**
     * The consumer's deadline for the response (its {@code timeout} attachment, else Dubbo's default of
     * 1000 ms or {@code --dubbo-timeout}), or -1 for a one-way request.
     */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /**
     * A late response: it came after the consumer's deadline, so the consumer had already failed the
     * call with a timeout while the provider still did the work (the response is dropped).
     */
    public boolean late() {
        return response != null && timeoutNanos > 0 && latencyNanos() > timeoutNanos;
    }

    /**
     * Which side was over Dubbo's payload limit: "request" (its body is longer than the limit: the
     * provider refuses to decode it, BAD_REQUEST, or says nothing), "response" (a body longer than the
     * limit, which the consumer refuses), or the error the provider sent back saying so ("Data length
     * too large: N, max payload: M", as SERIALIZATION_ERROR or BAD_RESPONSE instead of the response);
     * null when neither.
     */
    public String overPayloadLimit() {
        if (request.bodyLength() > payloadLimit) {
            return "request body " + request.bodyLength() + " B over the payload limit of " + payloadLimit + " B";
        }
        if (response == null) {
            return null;
        }
        if (response.bodyLength() > payloadLimit) {
            return "response body " + response.bodyLength() + " B over the payload limit of " + payloadLimit + " B";
        }
        final String m = response.status() == 20 ? null : response.body().errorMessage();
        if (m != null) {
            final java.util.regex.Matcher t = TOO_LARGE.matcher(m);
            if (t.find()) {
                return "response of " + t.group(1) + " B over the provider's payload limit of " + t.group(2) + " B (its error says)";
            }
        }
        return null;
    }

    private static final java.util.regex.Pattern TOO_LARGE = java.util.regex.Pattern.compile(
        "Data length too large: (\\d+), max payload: (\\d+)");

    /** The response's status was CLIENT_TIMEOUT (30) or SERVER_TIMEOUT (31). */
    public boolean timedOut() {
        return response != null && (response.status() == 30 || response.status() == 31);
    }

    /** The call failed: a status other than OK, an exception result, a late response, or no response. */
    public boolean error() {
        if (unanswered() || late()) {
            return true;
        }
        if (response == null) {
            return false;
        }
        final String kind = response.body().resultKind();
        return response.status() != 20 || (kind != null && kind.startsWith("exception"));
    }

    /** "service#method" of the request, or "?" when the body did not say. */
    public String serviceMethod() {
        final String sm = request.body().serviceMethod();
        return sm == null ? "?" : sm;
    }

    void answer(final DubboFrame r) {
        response = r;
        state = State.ANSWERED;
    }

    void unanswered(final State s) {
        if (state == State.PENDING) {
            state = s;
        }
    }

    void markDuplicate() {
        duplicateId = true;
    }
}

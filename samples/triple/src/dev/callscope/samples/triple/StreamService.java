package dev.callscope.samples.triple;

import org.apache.dubbo.common.stream.StreamObserver;

/** Streaming methods on a plain Java interface (values wrapped, hessian2). */
public interface StreamService {
    /** Server streaming: request "name:count", answers count messages (count &lt; 0: error after 2). */
    void countdown(String spec, StreamObserver<String> out);

    /** Client streaming (on the wire and in Dubbo's descriptor this is a BI_STREAM signature): one answer at the end. */
    StreamObserver<Integer> sum(StreamObserver<Integer> total);

    /** Bidirectional: every message is answered at once. */
    StreamObserver<String> chat(StreamObserver<String> replies);
}

package dev.callscope.spark;

import dev.callscope.flow.rtp.RtpSteps;
import java.io.Serializable;
import java.util.List;

/** What one task found in one file: rows ready to write, or parts of calls and streams to join across files. */
public sealed interface Part extends Serializable {
    /**
     * A finished record of one output table.
     *
     * @param table "sip_messages", "dubbo_exchanges", "webrtc_sessions" or "input_errors"
     * @param json the record, with the CLI's field names
     */
    record Row(String table, String json) implements Part {
    }

    /**
     * The part of a SIP call (one Call-ID) one file held.
     *
     * @param json the call's record as this file alone gives it
     * @param carried whether the call may run on into another file (its first message was not an
     *     initial request, or came within the carry window of the file's start; or it was not over
     *     by the file's end): then {@code wire} holds its messages to read again with the other parts
     * @param media the media endpoints its SDP announced ("10.0.0.1:4000")
     */
    record CallPart(String callId, int fileOrder, String file, long startNanos, boolean carried, String json,
                    List<SipWire> wire, List<String> media) implements Part {
    }

    /**
     * The part of an RTP stream one file held.
     *
     * @param key SSRC, transport, source and destination
     * @param headOpen its first packet came within the carry window of the file's start: {@code
     *     steps} holds its packets (all of them unless {@code stepsCut})
     * @param tailOpen its last packet came within the carry window of the file's end: {@code state}
     *     is the serialized stream, to be continued with the next file's part (bytes: cheaper to keep and
     *     to shuffle than the stream's objects)
     * @param json the stream's record as this file alone gives it
     * @param heuristic found by the RTP heuristic that is on near the start of every file but the
     *     first (the SDP that announced it was in an earlier file): kept only as the rest of a
     *     stream an earlier file began
     */
    record StreamPart(String key, int fileOrder, String file, long startNanos, long endNanos, boolean headOpen,
                      boolean tailOpen, String json, byte[] state, RtpSteps steps, boolean stepsCut,
                      List<String> callIds, boolean heuristic) implements Part {
    }

    /**
     * A Dubbo request a file ended without an answer to, or an answer near a file's start whose
     * request the file did not hold: joined when the answer follows its request in a later file.
     *
     * @param key client, server and request id
     * @param json the exchange's record (a request) or the response's ({@code DubboView.response})
     */
    record DubboPart(String key, int fileOrder, long tsNanos, boolean request, String json) implements Part {
    }

    /** The part of one ICE session (its ufrag pair) one file held. */
    record WebrtcPart(String key, String json) implements Part {
    }

    /**
     * One SIP message as it crossed the wire, to be read again.
     *
     * @param transport "UDP", "TCP", "TLS" or "WS" as the dissector named it
     * @param frame its frame number in its file
     */
    record SipWire(long tsNanos, byte[] src, int srcPort, byte[] dst, int dstPort, String transport, byte[] raw,
                   long frame, String file) implements Serializable {
    }
}

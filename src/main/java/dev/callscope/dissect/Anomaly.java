package dev.callscope.dissect;

/**
 * Something odd in the traffic (malformed field, retransmission, limit reached) or a dissector bug.
 * Never an exception: anomalies are data, counted and reported.
 *
 * @param code {@code <proto>.<snake_reason>}, e.g. {@code dubbo.bad_magic}, {@code tcp.reassembly_limit}
 * @param frame frame number the anomaly belongs to (0 when none)
 * @param offset byte offset within the payload, or -1
 */
public record Anomaly(String code, Severity severity, long frame, int offset, String detail) {
}

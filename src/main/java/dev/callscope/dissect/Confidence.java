package dev.callscope.dissect;

/** How sure a dissector's {@code accept} is that a payload is its protocol. */
public enum Confidence {
    /** Not this protocol. */
    NO,
    /** Plausible (no magic number): tried after every STRONG heuristic, e.g. RTP's version bits. */
    WEAK,
    /** A magic number or a strict start line: STUN's cookie, Dubbo's 0xdabb, a SIP request line. */
    STRONG
}

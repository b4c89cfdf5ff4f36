package dev.callscope.flow.rtp;

/**
 * What one RTP packet gave its stream: enough to take it again into the stream's statistics in
 * another process, so a stream that runs on from one capture file into the next is counted as one
 * reading of both would count it ({@link RtpStream#continueWith}).
 *
 * @param timestamp the RTP timestamp as sent (32 bits)
 * @param srtp {@link #SRTP_NONE}, {@link #SRTP_DECRYPTED} or {@link #SRTP_AUTH_FAILED}, as the dissector said
 * @param payloadHead the first four payload bytes big-endian, or -1 when the payload is shorter
 */
public record RtpStep(long frame, long tsNanos, int sequence, long timestamp, int payloadType, boolean marker,
                      int dataLength, int srtp, int payloadHead) implements java.io.Serializable {
    /** The values of the RTP dissector's {@code RtpPacket.srtp()}. */
    public static final int SRTP_NONE = 0;
    public static final int SRTP_DECRYPTED = 1;
    public static final int SRTP_AUTH_FAILED = 2;
}

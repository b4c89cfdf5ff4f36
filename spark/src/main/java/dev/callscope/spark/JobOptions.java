package dev.callscope.spark;

import java.util.Map;

/**
 * What every task of one job shares.
 *
 * @param baseNanos the capture time RTP statistics count their milliseconds from: the earliest
 *     first frame of all inputs, so the parts of a stream read by different tasks share one clock
 *     (as {@code callscope rtp} on the whole capture counts from its first frame)
 * @param carryWindowNanos a stream or call first seen within this time of its file's first frame
 *     may be the rest of one an earlier file began: its packets (or messages) are carried so the
 *     parts are joined as one reading of both files would have read them
 * @param maxCarriedPackets the most packets carried per stream part (the carry bound)
 * @param maxCarriedTotal the most packets carried by one task, all its streams together
 * @param lingerNanos quiet time after which a decided call is over (RFC 3261 64 × T1)
 * @param hadoop the driver's Hadoop configuration, for opening inputs in the tasks
 */
public record JobOptions(long baseNanos, long carryWindowNanos, int maxCarriedPackets, long maxCarriedTotal, long lingerNanos,
                         Map<String, String> hadoop) implements java.io.Serializable {
}

/**
 * Capture through libpcap (pcap4j 1.8.2): live capture ({@link dev.callscope.capture.LiveSource}),
 * an optional BPF-filtered file reader ({@link dev.callscope.capture.Pcap4jFileSource}) and the
 * interface list ({@link dev.callscope.capture.Interfaces}).
 *
 * <p>This is the only package that imports {@code org.pcap4j}. It never builds pcap4j {@code Packet}
 * objects: raw bytes go straight into the caller's {@link dev.callscope.core.RawFrame}. Every libpcap
 * failure leaves this package as a one-line {@link dev.callscope.core.InputException}.
 */
package dev.callscope.capture;

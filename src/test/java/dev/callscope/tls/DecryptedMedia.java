package dev.callscope.tls;

import dev.callscope.core.PacketSource;
import dev.callscope.core.SrtpStats;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.rtp.RtcpPacket;
import dev.callscope.dissect.rtp.RtpDissector;
import dev.callscope.dissect.rtp.RtpPacket;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.tap.Tap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A capture run through the engine with a key log, its RTP packets (payloads kept), the first RTCP
 * packet of each compound and the SRTP statistics: what the DTLS-SRTP tests compare with the senders'
 * records.
 */
record DecryptedMedia(List<RtpPacket> rtp, List<RtcpPacket> rtcp, SrtpStats stats) {
    static DecryptedMedia of(final Path pcap, final KeyLog keys) throws Exception {
        final List<RtpPacket> rtp = new ArrayList<>();
        final List<RtcpPacket> rtcp = new ArrayList<>();
        final SrtpStats[] stats = new SrtpStats[1];
        final Engine engine = new Engine(DissectorRegistry.builtIn(Set.of(), Map.of(RtpDissector.PREF_KEEP_PAYLOAD, "true")),
            EngineOptions.defaults(), List.of(new Tap() {
                @Override
                public void onEvent(final ProtocolEvent ev) {
                    if (ev instanceof RtpPacket p) {
                        rtp.add(p);
                    } else if (ev instanceof RtcpPacket p && p.index() == 0) {
                        rtcp.add(p);
                    }
                }

                @Override
                public void onSrtp(final SrtpStats s) {
                    stats[0] = s;
                }
            }));
        engine.decrypt(keys);
        try (PacketSource source = CaptureFiles.open(pcap.toString())) {
            engine.run(source);
        }
        return new DecryptedMedia(rtp, rtcp, stats[0]);
    }
}

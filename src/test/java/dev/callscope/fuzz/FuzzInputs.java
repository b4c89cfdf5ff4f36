package dev.callscope.fuzz;

import dev.callscope.core.LinkType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the seeds come from: the bundled samples (always there) and a selection of the shared real
 * captures ({@link dev.callscope.testutil.SharedCaptures}) when present. Loaded
 * once per test JVM.
 */
final class FuzzInputs {
    private static final Path SAMPLES = Path.of("samples");

    /** Seed conversations: a few per protocol, all small. */
    private static final String[] PACKET_SAMPLES = {"sip-call.pcap", "sip-tcp.pcap", "sip-auth.pcap", "sip-cancel.pcap",
        "dubbo/dubbo-calls.pcap", "webrtc/chromium-loopback.pcap", "webrtc/chromium-websocket.pcap", "triple/triple-unary.pcap",
        "triple/triple-streaming.pcap", "triple/triple-errors.pcap", "http2/http2-h2c-upgrade.pcap", "http2/http2-flow-stall.pcap"};
    private static final String[] PACKET_SHARED = {
        "sip/heplify__sip_ipv4_tcp.pcap", "sip/heplify__sip_ipv6_udp.pcap", "sip/heplify__sip_tcp_websocket.pcap",
        "sip/suricata-verify__sip-tcp.pcap", "sip/suricata-verify__sip_compact_form.pcap",
        "sip/zeek__invalid-content-length.pcap", "sip/zeek__sip-junk-before-request.pcap",
        "sip/sipnab__sip-488-codec-reject.pcapng", "sip/sipnab__DTMFsipinfo.pcap", "sip/sngrep__ipv6frag.pcap",
        "rtp/rtpproxy__rtcp.o.pcap", "rtp/ndpi__rtcp_multiple_pkts_in_the_same_datagram.pcap", "rtp/sipp__dtmf_2833_1.pcap",
        "rtp/ndpi__rtp.pcapng", "dubbo/deepflow__dubbo_hessian2.pcap", "dubbo/deepflow__dubbo-kryo.pcap",
        "dubbo/deepflow__dubbo-sw8.pcap", "dubbo/deepflow__dubbo-eys.pcap", "webrtc/zeek__webrtc-stun.pcap",
        "webrtc/zeek__dtls1_2.pcap", "webrtc/zeek__dtls1_0.pcap", "webrtc/piondtls__capture-chrome-Chromium_123.pcap",
        "webrtc/ndpi__dtls_certificate_fragments.pcap", "webrtc/arkime__stun-ice-testcall.pcap",
        "webrtc/ndpi__stun_dtls_rtp.pcapng", "webrtc/ndpi__stun_tcp_multiple_msgs_same_pkt.pcap",
        "webrtc/ndpi__stun_classic.pcap", "mixed/arkime__stun.pcap", "mixed/arkime__gtp-iphone.pcap"};
    /** Files used whole (cut to a few records) as container seeds. */
    private static final String[] CONTAINER_SAMPLES = {"sip-busy.pcap", "sip-cancel.pcap"};
    private static final String[] CONTAINER_SHARED = {"sip/ndpi__sip_hello.pcapng", "sip/sipnab__sip-auth-failure.pcapng",
        "mixed/ndpi__gre.pcapng", "webrtc/piondtls__capture-firefox-Mozilla_Firefox_125.pcap", "rtp/rtpproxy__dtmf.pcapng",
        "rtp/ndpi__rtp.pcapng", "sip/heplify__erspan_sip_ipv4_udp.pcapng", "mixed/heplify__sip_sctp.pcap",
        "sip/suricata-verify__sip-body-large.pcap", "sip/heplify__sip_ipv4_tcp_retrans.pcap",
        "sip/zeek__sip-long-request-response-paths.pcap", "webrtc/ndpi__stun_dtls_rtp.pcapng"};

    private static SeedCorpus corpus;
    private static ContainerFuzzer containers;

    private FuzzInputs() {
    }

    /** The shared captures directory, or null. */
    static Path shared() {
        return dev.callscope.testutil.SharedCaptures.find().orElse(null);
    }

    static synchronized SeedCorpus corpus() {
        if (corpus == null) {
            final List<Path> files = new ArrayList<>();
            for (final String s : PACKET_SAMPLES) {
                files.add(SAMPLES.resolve(s));
            }
            final Path shared = shared();
            if (shared != null) {
                for (final String s : PACKET_SHARED) {
                    files.add(shared.resolve(s));
                }
            }
            corpus = SeedCorpus.load(files);
        }
        return corpus;
    }

    static synchronized ContainerFuzzer containers() {
        if (containers == null) {
            final List<byte[]> files = new ArrayList<>();
            final Path shared = shared();
            try {
                for (final String s : CONTAINER_SAMPLES) {
                    files.add(Files.readAllBytes(SAMPLES.resolve(s)));
                }
                if (shared != null) {
                    for (final String s : CONTAINER_SHARED) {
                        final Path p = shared.resolve(s);
                        if (Files.isRegularFile(p)) {
                            files.add(Files.readAllBytes(p));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            final List<byte[]> frames = new ArrayList<>();
            final SeedCorpus c = corpus();
            for (final String p : c.protocols()) {
                for (final SeedCorpus.Flow f : c.flows(p)) {
                    f.messages().stream().filter(m -> m.frame() != null && m.linkType() == LinkType.ETHERNET
                        && m.frame().length <= 1600).limit(3).forEach(m -> frames.add(m.frame()));
                }
            }
            containers = new ContainerFuzzer(files, frames);
        }
        return containers;
    }
}

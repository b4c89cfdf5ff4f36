package dev.callscope.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.InputException;
import dev.callscope.core.InputException.Kind;
import dev.callscope.core.LinkType;
import org.junit.jupiter.api.Test;

/** Error mapping from libpcap/pcap4j text and return codes; needs no libpcap. */
class PcapErrorsTest {

    @Test
    void noLibpcapIsOneFixedLine() {
        final InputException e = PcapErrors.noLibpcap(new UnsatisfiedLinkError("Unable to load library 'pcap'"));
        assertThat(e.kind()).isEqualTo(Kind.NO_LIBPCAP);
        assertThat(e.getMessage()).isEqualTo("libpcap is not installed (apt-get install libpcap0.8)");
    }

    @Test
    void badFilterKeepsLibpcapMessageWithoutPcap4jPrefix() {
        final InputException e = PcapErrors.badFilter("tcp and and",
                "Error occurred in pcap_compile: can't parse filter expression: syntax error", null);
        assertThat(e.kind()).isEqualTo(Kind.BAD_FILTER);
        assertThat(e.getMessage()).isEqualTo("bad capture filter \"tcp and and\": can't parse filter expression: syntax error");
    }

    @Test
    void offlineOpenFailures() {
        assertThat(PcapErrors.openOffline("x.pcap", "x.pcap: No such file or directory", null).kind()).isEqualTo(Kind.NOT_FOUND);
        final InputException notCapture = PcapErrors.openOffline("/etc/passwd", "unknown file format", null);
        assertThat(notCapture.kind()).isEqualTo(Kind.NOT_A_CAPTURE);
        assertThat(notCapture.getMessage()).isEqualTo("/etc/passwd is not a capture file (libpcap: unknown file format)");
        assertThat(PcapErrors.openOffline("e", "truncated dump file; tried to read 4 file header bytes, only got 0", null).kind())
                .isEqualTo(Kind.NOT_A_CAPTURE);
        assertThat(PcapErrors.openOffline("p", "p: Permission denied", null).kind()).isEqualTo(Kind.READ_ERROR);
    }

    @Test
    void readFailures() {
        assertThat(PcapErrors.readFailed("f", "Error occurred in pcap_next_ex(): truncated dump file; tried to read 60 captured bytes, only got 7", null).kind())
                .isEqualTo(Kind.TRUNCATED);
        assertThat(PcapErrors.readFailed("f", "bogus savefile header", null).kind()).isEqualTo(Kind.READ_ERROR);
    }

    @Test
    void liveOpenFailures() {
        final InputException unknown = PcapErrors.openLive("nosuch0", "No such device exists", -5, null);
        assertThat(unknown.kind()).isEqualTo(Kind.UNKNOWN_INTERFACE);
        assertThat(unknown.getMessage()).isEqualTo("no such interface: nosuch0 (see `callscope interfaces`)");

        final InputException perm = PcapErrors.openLive("eth0",
                "You don't have permission to perform this capture on that device (socket: Operation not permitted)", -8, null);
        assertThat(perm.kind()).isEqualTo(Kind.PERMISSION);
        assertThat(perm.getMessage())
                .isEqualTo("no permission to capture on eth0: run as root or grant cap_net_raw,cap_net_admin to java");
        assertThat(PcapErrors.openLive("eth0", "promisc denied", -11, null).kind()).isEqualTo(Kind.PERMISSION);
        assertThat(PcapErrors.openLive("eth0", "socket: Operation not permitted", -1, null).kind()).isEqualTo(Kind.PERMISSION);
        assertThat(PcapErrors.openLive("eth0", "The interface went down", -1, null).kind()).isEqualTo(Kind.READ_ERROR);
    }

    @Test
    void messagesAreOneLine() {
        assertThat(PcapErrors.pcapMessage(null)).isEqualTo("unknown libpcap error");
        assertThat(PcapErrors.pcapMessage("  Error occurred: boom \n")).isEqualTo("boom");
        assertThat(PcapErrors.listFailed("Permission denied", null).kind()).isEqualTo(Kind.PERMISSION);
    }

    @Test
    void dltValuesMapBackToLinkTypes() {
        assertThat(DltMapping.toLinkType(1)).isEqualTo(LinkType.ETHERNET);
        assertThat(DltMapping.toLinkType(12)).isEqualTo(LinkType.RAW);
        assertThat(DltMapping.toLinkType(14)).isEqualTo(LinkType.RAW);
        assertThat(DltMapping.toLinkType(113)).isEqualTo(LinkType.LINUX_SLL);
        assertThat(DltMapping.toLinkType(276)).isEqualTo(LinkType.LINUX_SLL2);
        assertThat(DltMapping.toLinkType(0)).isEqualTo(LinkType.NULL);
    }
}

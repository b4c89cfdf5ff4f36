package dev.callscope.dissect.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.Limits;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import org.junit.jupiter.api.Test;

/** The heuristic judges a header's body length by the run's --dubbo-max-payload, not the default. */
class DubboHeuristicTest {
    /** A two-way hessian2 request header (flags 0xC2) with request id 1 and the given body length. */
    private static Payload header(final long bodyLength) {
        final byte[] b = new byte[16];
        b[0] = (byte) 0xda;
        b[1] = (byte) 0xbb;
        b[2] = (byte) 0xc2;
        b[11] = 1;
        b[12] = (byte) (bodyLength >>> 24);
        b[13] = (byte) (bodyLength >>> 16);
        b[14] = (byte) (bodyLength >>> 8);
        b[15] = (byte) bodyLength;
        return Payload.of(b);
    }

    @Test
    void aBodyOverTheDefaultIsStrongWhenTheRunAllowsIt() {
        final long nineMiB = 9L * 1024 * 1024;
        final DubboDissector d = new DubboDissector();
        assertThat(d.accept(header(1000), new PacketContext())).isEqualTo(Confidence.STRONG);
        assertThat(d.accept(header(nineMiB), new PacketContext())).isEqualTo(Confidence.WEAK);
        final Limits big = new Limits();
        big.dubboMaxPayload = 16 * 1024 * 1024;
        assertThat(d.accept(header(nineMiB), new PacketContext().limits(big))).isEqualTo(Confidence.STRONG);
    }
}

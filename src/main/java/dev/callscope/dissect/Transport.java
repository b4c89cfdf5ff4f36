package dev.callscope.dissect;

/** The transport a conversation runs over. */
public enum Transport {
    UDP(17), TCP(6), SCTP(132);

    private final int ipProtocol;

    Transport(final int ipProtocol) {
        this.ipProtocol = ipProtocol;
    }

    public int ipProtocol() {
        return ipProtocol;
    }

    public static Transport ofIpProtocol(final int p) {
        return p == 6 ? TCP : p == 17 ? UDP : p == 132 ? SCTP : null;
    }
}

package dev.callscope.dissect.dubbo;

/** A class whose static initialiser and constructor leave a mark: the decoder must never run either. */
public final class Tripwire {
    static {
        System.setProperty("callscope.tripwire", "static-init");
    }

    public int x;

    public Tripwire() {
        System.setProperty("callscope.tripwire", "constructed");
    }
}

package dev.callscope.samples.dubbofail;

import java.io.Serializable;

/** Serializable, but record.sh removes its class file from the provider's classpath. */
public class ConsumerOnlyThing implements Serializable {
    private static final long serialVersionUID = 1L;
    public String name = "consumer-only";
    public int n = 7;
}

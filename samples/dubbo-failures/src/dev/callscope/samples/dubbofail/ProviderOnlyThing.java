package dev.callscope.samples.dubbofail;

import java.io.Serializable;

/** Serializable, but record.sh removes its class file from the consumer's classpath. */
public class ProviderOnlyThing implements Serializable {
    private static final long serialVersionUID = 1L;
    public String name = "provider-only";
    public int n = 9;
}

package dev.callscope.samples.dubbofail;

import java.io.Serializable;

/**
 * Serializable and on both classpaths, but named nowhere in FailService's signatures, so Dubbo 3.2's
 * STRICT serialisation allow list on the provider refuses to deserialise it.
 */
public class SharedUnlistedThing implements Serializable {
    private static final long serialVersionUID = 1L;
    public String name = "shared-unlisted";
    public int n = 5;
}

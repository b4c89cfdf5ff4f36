package dev.callscope.samples.dubbofail;

/** Deliberately not java.io.Serializable: hessian2 with check-serializable=true refuses it. */
public class NotSerializableThing {
    public String name = "not-serializable";
    public int n = 42;
}

package dev.callscope.core;

/** Which way a packet travels within its conversation: from endpoint A to B, or back. */
public enum Direction {
    A_TO_B, B_TO_A;

    public Direction reverse() {
        return this == A_TO_B ? B_TO_A : A_TO_B;
    }

    public int index() {
        return ordinal();
    }
}

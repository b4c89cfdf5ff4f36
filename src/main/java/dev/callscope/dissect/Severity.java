package dev.callscope.dissect;

/** Severity of an {@link Anomaly}, as in Wireshark's expert info. */
public enum Severity { INFO, WARN, ERROR }

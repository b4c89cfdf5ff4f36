package dev.callscope.flow.sip;

/** Call states as sngrep and Wireshark's VoIP Calls name them. */
public enum CallState {
    CALL_SETUP("CALL SETUP"),
    RINGING("RINGING"),
    IN_CALL("IN CALL"),
    COMPLETED("COMPLETED"),
    CANCELLED("CANCELLED"),
    REJECTED("REJECTED"),
    BUSY("BUSY"),
    FAILED("FAILED"),
    DIVERTED("DIVERTED"),
    /** A non-INVITE transaction still waiting for its final response. */
    PENDING("PENDING");

    private final String label;

    CallState(final String label) {
        this.label = label;
    }

    /** "CALL SETUP", "IN CALL": the name users know. */
    public String label() {
        return label;
    }

    /** Parses a label or an enum name, case-insensitive, spaces or underscores. */
    public static CallState parse(final String s) {
        final String n = s.trim().toUpperCase(java.util.Locale.ROOT).replace(' ', '_').replace('-', '_');
        return CallState.valueOf(n);
    }
}

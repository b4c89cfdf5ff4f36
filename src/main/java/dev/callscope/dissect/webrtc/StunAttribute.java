package dev.callscope.dissect.webrtc;

/**
 * One STUN attribute: its type, name ("0x%04x" when unknown) and a short rendering of its value.
 *
 * @param length the value length as the attribute header says (before padding)
 */
public record StunAttribute(int type, String name, int length, String value) {
}

package dev.callscope.capture;

import dev.callscope.core.InputException;
import dev.callscope.core.InputException.Kind;
import java.util.Locale;

/**
 * Maps libpcap and pcap4j failures to one-line {@link InputException}s. Pure string and
 * return-code logic, so it is unit-tested without libpcap.
 *
 * <p>pcap4j wraps libpcap's text in its own prefixes ("Error occurred in pcap_compile: ..."); those
 * are stripped so the user sees libpcap's message only.
 */
final class PcapErrors {
    /** The one line shown when libpcap (or JNA) cannot be loaded. */
    static final String NO_LIBPCAP_MESSAGE = "libpcap is not installed (apt-get install libpcap0.8)";

    /** PCAP_ERROR_NO_SUCH_DEVICE. */
    static final int PCAP_ERROR_NO_SUCH_DEVICE = -5;
    /** PCAP_ERROR_PERM_DENIED. */
    static final int PCAP_ERROR_PERM_DENIED = -8;
    /** PCAP_ERROR_PROMISC_PERM_DENIED. */
    static final int PCAP_ERROR_PROMISC_PERM_DENIED = -11;

    private static final String[] PCAP4J_PREFIXES = {
        "Error occurred in pcap_compile: ",
        "Error occurred in pcap_setfilter: ",
        "Error occurred in pcap_next_ex(): ",
        "Failed to set filter: ",
        "Error occurred: ",
        "Unexpected error occurred: ",
    };

    private PcapErrors() {
    }

    /** libpcap, its JNA binding or pcap4j could not be loaded ({@link LinkageError} from class init). */
    static InputException noLibpcap(final Throwable cause) {
        return new InputException(Kind.NO_LIBPCAP, NO_LIBPCAP_MESSAGE, cause);
    }

    /** libpcap's message without pcap4j's prefix; never null. */
    static String pcapMessage(final String raw) {
        if (raw == null || raw.isBlank()) {
            return "unknown libpcap error";
        }
        String m = raw.strip();
        for (final String prefix : PCAP4J_PREFIXES) {
            if (m.startsWith(prefix)) {
                m = m.substring(prefix.length()).strip();
            }
        }
        return m.isEmpty() ? "unknown libpcap error" : m;
    }

    /** A BPF expression libpcap refused to compile or install. */
    static InputException badFilter(final String bpf, final String raw, final Throwable cause) {
        return new InputException(Kind.BAD_FILTER, "bad capture filter \"" + bpf + "\": " + pcapMessage(raw), cause);
    }

    /** {@code pcap_open_offline} failed on a file that exists. */
    static InputException openOffline(final String path, final String raw, final Throwable cause) {
        final String m = pcapMessage(raw);
        final String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("no such file")) {
            return notFound(path, cause);
        }
        if (lower.contains("permission denied")) {
            return new InputException(Kind.READ_ERROR, "cannot read " + path + ": permission denied", cause);
        }
        return new InputException(Kind.NOT_A_CAPTURE, path + " is not a capture file (libpcap: " + m + ")", cause);
    }

    /** The capture file does not exist. */
    static InputException notFound(final String path, final Throwable cause) {
        return new InputException(Kind.NOT_FOUND, "no such file: " + path, cause);
    }

    /** {@code pcap_next_ex} failed in the middle of a file. */
    static InputException readFailed(final String path, final String raw, final Throwable cause) {
        final String m = pcapMessage(raw);
        if (m.toLowerCase(Locale.ROOT).contains("truncated")) {
            return new InputException(Kind.TRUNCATED, path + " is truncated (libpcap: " + m + ")", cause);
        }
        return new InputException(Kind.READ_ERROR, "error reading " + path + ": " + m, cause);
    }

    /** Creating or activating a live handle on {@code iface} failed. */
    static InputException openLive(final String iface, final String raw, final Integer returnCode, final Throwable cause) {
        final String m = pcapMessage(raw);
        final String lower = m.toLowerCase(Locale.ROOT);
        final int rc = returnCode == null ? 0 : returnCode;
        if (rc == PCAP_ERROR_NO_SUCH_DEVICE || lower.contains("no such device")) {
            return unknownInterface(iface, cause);
        }
        if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED
                || lower.contains("permission") || lower.contains("operation not permitted")) {
            return new InputException(Kind.PERMISSION, "no permission to capture on " + iface
                    + ": run as root or grant cap_net_raw,cap_net_admin to java", cause);
        }
        return new InputException(Kind.READ_ERROR, "cannot capture on " + iface + ": " + m, cause);
    }

    /** The interface name is not known to libpcap. */
    static InputException unknownInterface(final String iface, final Throwable cause) {
        return new InputException(Kind.UNKNOWN_INTERFACE, "no such interface: " + iface + " (see `callscope interfaces`)", cause);
    }

    /** The capture loop stopped with an error (interface went down, socket error). */
    static InputException captureFailed(final String iface, final String raw, final Throwable cause) {
        return new InputException(Kind.READ_ERROR, "capture on " + iface + " failed: " + pcapMessage(raw), cause);
    }

    /** {@code pcap_findalldevs} failed. */
    static InputException listFailed(final String raw, final Throwable cause) {
        final String m = pcapMessage(raw);
        final Kind kind = m.toLowerCase(Locale.ROOT).contains("permission") ? Kind.PERMISSION : Kind.READ_ERROR;
        return new InputException(kind, "cannot list interfaces: " + m, cause);
    }
}

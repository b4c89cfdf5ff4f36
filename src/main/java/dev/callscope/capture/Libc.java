package dev.callscope.capture;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/** The native libraries this package calls directly through JNA (beside pcap4j's own mappings). */
final class Libc {
    private Libc() {
    }

    /** A function of the C library. */
    static Function function(final String name) {
        return NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction(name);
    }

    /** A function of libpcap, the library pcap4j loaded (its pcapLibName property, else pcap/wpcap). */
    static Function pcap(final String name) {
        return NativeLibrary.getInstance(System.getProperty("org.pcap4j.core.pcapLibName",
            Platform.isWindows() ? "wpcap" : "pcap")).getFunction(name);
    }
}

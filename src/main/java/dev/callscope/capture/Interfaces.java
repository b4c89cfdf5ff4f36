package dev.callscope.capture;

import dev.callscope.core.InputException;
import dev.callscope.core.IpFormat;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;

/** The capture devices libpcap knows, in libpcap's order, numbered from 1 as {@code tshark -D} does. */
public final class Interfaces {

    /**
     * One capture device.
     *
     * @param index 1-based position in libpcap's list (tshark -D numbering)
     * @param name the name to pass to {@link LiveSource#open}
     * @param description libpcap's description, or null
     * @param addresses IPv4 dotted quads and RFC 5952 IPv6 text, in libpcap's order
     * @param loopback whether libpcap flags it as loopback
     * @param up whether the interface is up
     */
    public record Device(int index, String name, String description, List<String> addresses, boolean loopback, boolean up) {
        /** Copies {@code addresses} so the record stays immutable. */
        public Device {
            addresses = List.copyOf(addresses);
        }

        /**
         * One line like {@code tshark -D} plus addresses and flags:
         * {@code "3. lo (Loopback) [loopback, up] 127.0.0.1 ::1"}. A loopback device without a
         * description is labelled "Loopback", as tshark does.
         */
        public String line() {
            final StringBuilder sb = new StringBuilder().append(index).append(". ").append(name);
            final String d = description != null ? description : loopback ? "Loopback" : null;
            if (d != null) {
                sb.append(" (").append(d).append(')');
            }
            sb.append(" [");
            if (loopback) {
                sb.append("loopback, ");
            }
            sb.append(up ? "up" : "down").append(']');
            for (final String a : addresses) {
                sb.append(' ').append(a);
            }
            return sb.toString();
        }
    }

    private Interfaces() {
    }

    /**
     * Lists the devices ({@code pcap_findalldevs}).
     *
     * @throws InputException NO_LIBPCAP, PERMISSION or READ_ERROR
     */
    public static List<Device> list() throws InputException {
        try {
            final List<PcapNetworkInterface> nifs = Pcaps.findAllDevs();
            final List<Device> out = new ArrayList<>(nifs.size());
            int index = 1;
            for (final PcapNetworkInterface nif : nifs) {
                final List<String> addrs = new ArrayList<>();
                for (final PcapAddress a : nif.getAddresses()) {
                    final InetAddress ia = a.getAddress();
                    if (ia != null) {
                        final byte[] raw = ia.getAddress();
                        addrs.add(IpFormat.format(raw, 0, raw.length));
                    }
                }
                final String desc = nif.getDescription();
                out.add(new Device(index++, nif.getName(), desc == null || desc.isBlank() ? null : desc, addrs,
                        nif.isLoopBack(), nif.isUp()));
            }
            return List.copyOf(out);
        } catch (final PcapNativeException e) {
            throw PcapErrors.listFailed(e.getMessage(), e);
        } catch (final LinkageError e) {
            throw PcapErrors.noLibpcap(e);
        }
    }

    /** The device called {@code name}, or an UNKNOWN_INTERFACE error. */
    public static Device find(final String name) throws InputException {
        for (final Device d : list()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw PcapErrors.unknownInterface(name, null);
    }
}

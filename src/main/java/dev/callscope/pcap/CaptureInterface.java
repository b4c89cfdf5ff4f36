package dev.callscope.pcap;

/**
 * One capture interface of a file: the classic pcap header (always id 0) or a pcapng Interface
 * Description Block.
 *
 * @param id index within its file (pcapng: counted over all sections; equals {@code RawFrame.interfaceId})
 * @param linkType LINKTYPE_ value, FCS bits masked off
 * @param snaplen snapshot length from the header (0 = not limited in pcapng)
 * @param name pcapng {@code if_name}, or "" when absent
 */
public record CaptureInterface(int id, int linkType, int snaplen, String name) {
}

package dev.callscope.flow.webrtc;

import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.webrtc.DtlsHandshake;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One WebRTC session as the wire shows it: the ICE checks of one ufrag pair (or, without ICE
 * usernames, the traffic of one 5-tuple: a STUN server query, a bare DTLS exchange), its DTLS
 * handshake, SRTP/SRTCP streams and TURN allocations. Filled by {@link WebrtcTracker}.
 */
public final class WebrtcSession {
    /** Legs (5-tuples) told apart per session: 2 directions each fit one 64-bit mask. */
    static final int MAX_LEGS = 32;
    /** TURN allocations kept per session. */
    static final int MAX_ALLOCATIONS = 64;
    /** Media gaps kept per session (the first ones). */
    static final int MAX_MEDIA_GAPS = 64;

    /** The ICE of the session started again with new ufrags (the same peer connections, per the SDP origins). */
    public record IceRestart(long frame, long tsNanos, String ufrags) {
    }

    public List<IceRestart> iceRestarts() {
        return iceRestarts;
    }

    /** A media packet at {@code ts}: remembers the gap before it when long. */
    void media(final long ts) {
        final long last = lastMediaNanos;
        if (last >= 0 && ts - last >= Signalling.MEDIA_GAP_NANOS && mediaGapCount < MAX_MEDIA_GAPS) {
            mediaGaps[2 * mediaGapCount] = last;
            mediaGaps[2 * mediaGapCount + 1] = ts;
            mediaGapCount++;
        }
        if (ts > last) {
            lastMediaNanos = ts;
        }
    }

    /**
     * The longest stretch without media that overlaps {@code from}..{@code to} (the media stopping
     * before {@code to} counts up to it); 0 when media flowed throughout, -1 when the session had none.
     */
    public long mediaGapNanos(final long from, final long to) {
        if (lastMediaNanos < 0) {
            return -1;
        }
        long max = 0;
        for (int i = 0; i < mediaGapCount; i++) {
            final long a = mediaGaps[2 * i];
            final long b = mediaGaps[2 * i + 1];
            if (a < to && b > from) {
                max = Math.max(max, b - a);
            }
        }
        if (to != Long.MAX_VALUE && lastMediaNanos < to && lastMediaNanos > from - Signalling.MEDIA_GAP_NANOS) {
            max = Math.max(max, to - lastMediaNanos);
        }
        return max;
    }

    int index;
    String ufragA;
    String ufragB;
    final FlowKey firstFlow;
    long firstTsNanos;
    long firstFrame = -1;
    long lastTsNanos;
    final Set<FlowKey> flows = new LinkedHashSet<>();
    final Map<String, Pair> pairs = new LinkedHashMap<>();
    final Map<Endpoint, String> ufragOf = new LinkedHashMap<>();
    final Dtls dtls = new Dtls();
    final Map<Object, SrtpStream> streams = new LinkedHashMap<>();
    /** Legs by 5-tuple (at most {@link #MAX_LEGS}; later ones are counted on no leg). */
    final Map<FlowKey, Leg> legs = new LinkedHashMap<>();
    final List<Allocation> allocations = new ArrayList<>();
    /** Copies of packets seen on another leg (see {@link Leg}): STUN messages, DTLS records, SRTP/SRTCP. */
    long stunCopies;
    long dtlsCopies;
    long mediaCopies;
    final Copies dtlsRecords = new Copies();
    final List<ProtocolEvent> timeline = new ArrayList<>();
    long stunMessages;
    /** STUN transactions (requests counted once), requests sent again, transactions answered, and responses repeated. */
    long transactions;
    long retransmissions;
    long answered;
    long duplicateResponses;
    long srtpPackets;
    long srtcpPackets;
    final List<String> sdpMismatches = new ArrayList<>();
    final List<String> sdpMatches = new ArrayList<>();

    // what the tracker's eviction looks at
    /** Frames that carried something of this session (STUN, DTLS, SRTP, SRTCP, TURN). */
    long packets;
    long lastFrame = -1;
    /** A STUN response to one of its requests, a DTLS handshake answered, or media. */
    boolean progressed;
    /** Directions (bit 0: A to B, bit 1: B to A) that sent DTLS handshake messages. */
    int dtlsDirections;
    /** Dropped by the tracker to make room: its flows and transactions are forgotten. */
    boolean dropped;
    /** Transaction id of its last STUN request still awaiting a response, or null. */
    String openRequest;
    /** The ICE session this one (a 5-tuple without ICE usernames) turned out to be part of, or null. */
    WebrtcSession mergedInto;
    /** The last frame whose DTLS record was a copy from another leg: its handshake and alerts are too. */
    long lastDtlsCopyFrame = -1;
    /** The leg of the last packet (most packets follow the one before on the same 5-tuple). */
    Leg lastLeg;
    /** Gaps of at least {@link Signalling#MEDIA_GAP_NANOS} between two SRTP/SRTCP packets: start, end. */
    final long[] mediaGaps = new long[2 * MAX_MEDIA_GAPS];
    int mediaGapCount;
    long lastMediaNanos = -1;
    /** ICE restarts: the sessions of later ufrags merged into this one. */
    final List<IceRestart> iceRestarts = new ArrayList<>();

    WebrtcSession(final int index, final FlowKey flow, final long ts) {
        this.index = index;
        this.firstFlow = flow;
        this.firstTsNanos = ts;
        this.lastTsNanos = ts;
    }

    /**
     * The number 'webrtc' shows: 1, 2, ... in order of first packet among the sessions listed at the
     * end (sessions that carried nothing are dropped then and the rest numbered without gaps).
     */
    public int index() {
        return index;
    }

    /** "ufragA:ufragB" (sorted), or null for a session without ICE usernames. */
    public String ufragPair() {
        return ufragA == null ? null : ufragA + ":" + ufragB;
    }

    public FlowKey firstFlow() {
        return firstFlow;
    }

    public long firstTsNanos() {
        return firstTsNanos;
    }

    /** The frame of its first packet. */
    public long firstFrame() {
        return firstFrame;
    }

    public long lastTsNanos() {
        return lastTsNanos;
    }

    public Set<FlowKey> flows() {
        return flows;
    }

    public List<Pair> pairs() {
        return List.copyOf(pairs.values());
    }

    /** Each endpoint's ICE ufrag, as its Binding requests' USERNAME ("remote:local") say. */
    public Map<Endpoint, String> ufrags() {
        return ufragOf;
    }

    public Dtls dtls() {
        return dtls;
    }

    public List<SrtpStream> srtpStreams() {
        return List.copyOf(streams.values());
    }

    /** Data channels by SCTP stream, in the order they were first seen (decrypted DTLS only). */
    final Map<Integer, DataChannel> dataChannels = new LinkedHashMap<>();
    /** Data channel events past the per-session bound of channels (not kept). */
    long dataChannelsDropped;

    public List<DataChannel> dataChannels() {
        return List.copyOf(dataChannels.values());
    }

    public long dataChannelsDropped() {
        return dataChannelsDropped;
    }

    /**
     * One WebRTC data channel (an SCTP stream) as decrypted DTLS showed it: what DCEP opened it
     * with, and the messages each side sent on it.
     */
    public static final class DataChannel {
        final int streamId;
        String label;
        String protocol;
        int channelType = -1;
        long reliability = -1;
        Endpoint openedBy;
        boolean acked;
        /** Index 0: sent by {@link #sideA}, 1: by the other end. */
        final long[] messages = new long[2];
        final long[] bytes = new long[2];
        final long[] unordered = new long[2];
        Endpoint sideA;
        Endpoint sideB;

        DataChannel(final int streamId) {
            this.streamId = streamId;
        }

        public int streamId() {
            return streamId;
        }

        /** The label DCEP opened it with, or null when the open was not seen. */
        public String label() {
            return label;
        }

        public String protocol() {
            return protocol;
        }

        /** Ordered delivery as opened (DCEP channel type without 0x80); null when the open was not seen. */
        public Boolean ordered() {
            return channelType < 0 ? null : (channelType & 0x80) == 0;
        }

        /** "reliable", "max retransmits N", "max lifetime N ms", or null when the open was not seen. */
        public String reliability() {
            return switch (channelType < 0 ? -1 : channelType & 0x7F) {
                case -1 -> null;
                case 0 -> "reliable";
                case 1 -> "max retransmits " + reliability;
                case 2 -> "max lifetime " + reliability + " ms";
                default -> "type 0x" + Integer.toHexString(channelType);
            };
        }

        public Endpoint openedBy() {
            return openedBy;
        }

        public boolean acked() {
            return acked;
        }

        /** The two ends, in the order their first message came (null before). */
        public Endpoint sideA() {
            return sideA;
        }

        public Endpoint sideB() {
            return sideB;
        }

        /** Messages sent by end {@code side} (0: {@link #sideA}, 1: {@link #sideB}). */
        public long messages(final int side) {
            return messages[side];
        }

        public long bytes(final int side) {
            return bytes[side];
        }

        /** Of those, messages sent with the U bit (unordered). */
        public long unordered(final int side) {
            return unordered[side];
        }
    }

    /**
     * Packets seen again on another leg of the session (TURN seen from the server: the same packet
     * from client to server, from relayed address to peer, from server to the other client), counted
     * once in checks, records and media: STUN messages, DTLS records, SRTP and SRTCP packets.
     */
    public long stunCopies() {
        return stunCopies;
    }

    public long dtlsCopies() {
        return dtlsCopies;
    }

    public long mediaCopies() {
        return mediaCopies;
    }

    public List<ProtocolEvent> timeline() {
        return timeline;
    }

    public long stunMessages() {
        return stunMessages;
    }

    /** STUN transactions started (a retransmitted request counts once). */
    public long stunTransactions() {
        return transactions;
    }

    /** STUN requests sent again with the transaction id of an earlier one. */
    public long stunRetransmissions() {
        return retransmissions;
    }

    /** STUN transactions that got a response. */
    public long stunAnswered() {
        return answered;
    }

    /** Responses after a transaction's first (one per retransmitted request, usually). */
    public long stunDuplicateResponses() {
        return duplicateResponses;
    }

    public long srtpPackets() {
        return srtpPackets;
    }

    public long srtcpPackets() {
        return srtcpPackets;
    }

    /** What the signalling (SDP) said that the wire agrees with. */
    public List<String> sdpMatches() {
        return sdpMatches;
    }

    /** What the signalling said that the wire contradicts. */
    public List<String> sdpMismatches() {
        return sdpMismatches;
    }

    /** The nominated pair (a successful check with USE-CANDIDATE), or null. */
    public Pair nominated() {
        Pair last = null;
        for (final Pair p : pairs.values()) {
            if (p.nominated && (last == null || p.nominatedTsNanos > last.nominatedTsNanos)) {
                last = p; // renomination (Chromium switching pairs): the latest wins
            }
        }
        return last;
    }

    /** One ICE candidate pair, from the side that sent the checks ({@code local}) to the other. */
    public static final class Pair {
        final Endpoint local;
        final Endpoint remote;
        final boolean relayed;
        String role;
        int requests;
        int retransmissions;
        int duplicateResponses;
        int successes;
        int errors;
        final Map<Integer, Integer> errorCodes = new TreeMap<>();
        final Map<Integer, Integer> repeatedErrorCodes = new TreeMap<>();
        final List<Double> rttMs = new ArrayList<>();
        boolean useCandidate;
        boolean nominated;
        long nominatedFrame;
        long nominatedTsNanos;
        int consentChecks;
        long lastConsentTsNanos;
        final List<Double> consentIntervalsMs = new ArrayList<>();
        long firstTsNanos;
        long lastTsNanos;
        long firstFrame;

        Pair(final Endpoint local, final Endpoint remote, final boolean relayed) {
            this.local = local;
            this.remote = remote;
            this.relayed = relayed;
        }

        public Endpoint local() {
            return local;
        }

        public Endpoint remote() {
            return remote;
        }

        public boolean relayed() {
            return relayed;
        }

        /** "controlling", "controlled" or null (no ICE-CONTROLLING/CONTROLLED seen). */
        public String role() {
            return role;
        }

        /** Checks (Binding transactions) sent on the pair; a retransmission counts once. */
        public int bindingRequests() {
            return requests;
        }

        /** Checks sent again with the same transaction id (not counted in {@link #bindingRequests()}). */
        public int retransmissions() {
            return retransmissions;
        }

        /** Responses after a check's first, not counted in successes or errors. */
        public int duplicateResponses() {
            return duplicateResponses;
        }

        public int bindingSuccesses() {
            return successes;
        }

        public int bindingErrors() {
            return errors;
        }

        /** Error responses by code (487 role conflict, 401, 400...). */
        public Map<Integer, Integer> errorCodes() {
            return errorCodes;
        }

        /** Error responses by code that came after a check's first response (to a resent request). */
        public Map<Integer, Integer> repeatedErrorCodes() {
            return repeatedErrorCodes;
        }

        public List<Double> rttMs() {
            return rttMs;
        }

        /** Mean round-trip time of the answered checks, or NaN. */
        public double meanRttMs() {
            return rttMs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        public boolean nominated() {
            return nominated;
        }

        public long nominatedFrame() {
            return nominatedFrame;
        }

        /** Binding requests on the pair after its nomination (RFC 7675 consent freshness). */
        public int consentChecks() {
            return consentChecks;
        }

        /** Mean interval between consent checks in ms, or NaN with fewer than two. */
        public double consentIntervalMs() {
            return consentIntervalsMs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        public long firstTsNanos() {
            return firstTsNanos;
        }

        public long lastTsNanos() {
            return lastTsNanos;
        }

        public long firstFrame() {
            return firstFrame;
        }
    }

    /** The DTLS handshake of the session (the first one seen; later ones add messages). */
    public static final class Dtls {
        Endpoint client;
        Endpoint server;
        int version = -1;
        int offeredMaxVersion = -1;
        int cipherSuite = -1;
        int srtpProfile = -1;
        final List<Integer> offeredSrtpProfiles = new ArrayList<>();
        final Map<Endpoint, String> fingerprints = new LinkedHashMap<>();
        final List<DtlsHandshake> messages = new ArrayList<>();
        final List<String> alerts = new ArrayList<>();
        long records;
        long encryptedRecords;
        boolean encryptedHandshake;
        Boolean fingerprintsMatchSdp;

        /** Takes what {@code o} saw (a session merged into this one had the handshake). */
        void copyFrom(final Dtls o) {
            client = o.client;
            server = o.server;
            version = o.version;
            offeredMaxVersion = o.offeredMaxVersion;
            cipherSuite = o.cipherSuite;
            srtpProfile = o.srtpProfile;
            offeredSrtpProfiles.addAll(o.offeredSrtpProfiles);
            fingerprints.putAll(o.fingerprints);
            messages.addAll(o.messages);
            alerts.addAll(o.alerts);
            records += o.records;
            encryptedRecords += o.encryptedRecords;
            encryptedHandshake = o.encryptedHandshake;
        }

        public boolean seen() {
            return records > 0;
        }

        /** The DTLS client (sent ClientHello), or null. */
        public Endpoint client() {
            return client;
        }

        public Endpoint server() {
            return server;
        }

        /** The negotiated version (ServerHello, supported_versions first), or -1. */
        public int version() {
            return version;
        }

        public int cipherSuite() {
            return cipherSuite;
        }

        public int srtpProfile() {
            return srtpProfile;
        }

        public List<Integer> offeredSrtpProfiles() {
            return offeredSrtpProfiles;
        }

        /** SHA-256 fingerprints of each side's certificate (leaf), "AB:CD:...". */
        public Map<Endpoint, String> fingerprints() {
            return fingerprints;
        }

        public List<DtlsHandshake> messages() {
            return messages;
        }

        public List<String> alerts() {
            return alerts;
        }

        public long records() {
            return records;
        }

        public long encryptedRecords() {
            return encryptedRecords;
        }

        /** DTLS 1.3: the handshake after ServerHello is encrypted (certificates not visible). */
        public boolean encryptedHandshake() {
            return encryptedHandshake;
        }

        /** Whether the certificates match the SDP's a=fingerprint; null when nothing to compare. */
        public Boolean fingerprintsMatchSdp() {
            return fingerprintsMatchSdp;
        }
    }

    /** One SRTP (or SRTCP) stream from its clear header: SSRC, direction, payload types, gaps, jitter. */
    public static final class SrtpStream {
        int clockLookedUpAt = -1;
        final long ssrc;
        final Endpoint src;
        final Endpoint dst;
        final boolean rtcp;
        long packets;
        /** Packets decrypted with DTLS-SRTP keys, and packets no key authenticated. */
        long decrypted;
        long authFailures;
        final Set<Integer> payloadTypes = new LinkedHashSet<>();
        long firstTsNanos;
        long lastTsNanos;
        long firstFrame;
        int baseSeq = -1;
        long maxExtSeq = -1;
        int cycles;
        int lastSeq = -1;
        double jitter;
        double maxJitterTs;
        long lastTransit;
        boolean haveTransit;
        int clockRate;
        /** Packets with an RTX or FEC payload type; "rtx" or "fec" once one came or the SDP said so. */
        long repairPackets;
        String repairKind;
        /** The media SSRC this stream repairs (a=ssrc-group), or -1. */
        long repairOf = -1;
        int repairLookedUpAt = -1;
        /** Made when the session has TURN: tells copies seen on other legs from new packets. */
        Copies copies;

        SrtpStream(final long ssrc, final Endpoint src, final Endpoint dst, final boolean rtcp) {
            this.ssrc = ssrc;
            this.src = src;
            this.dst = dst;
            this.rtcp = rtcp;
        }

        public long ssrc() {
            return ssrc;
        }

        public String ssrcHex() {
            return String.format("0x%08X", ssrc);
        }

        public Endpoint src() {
            return src;
        }

        public Endpoint dst() {
            return dst;
        }

        /** SRTCP (packet type 200-207 on the 5-tuple) rather than SRTP. */
        public boolean rtcp() {
            return rtcp;
        }

        public long packets() {
            return packets;
        }

        /** SRTP packets decrypted (a key log gave the DTLS-SRTP keys). */
        public long decrypted() {
            return decrypted;
        }

        /** SRTP packets the DTLS-SRTP keys did not authenticate. */
        public long authFailures() {
            return authFailures;
        }

        public Set<Integer> payloadTypes() {
            return payloadTypes;
        }

        public long firstTsNanos() {
            return firstTsNanos;
        }

        public long lastTsNanos() {
            return lastTsNanos;
        }

        /** Packets missing by sequence number (expected minus received, never negative). */
        public long lost() {
            if (rtcp || baseSeq < 0) {
                return 0;
            }
            return Math.max(0, maxExtSeq - baseSeq + 1 - packets);
        }

        /** RFC 3550 interarrival jitter at the end, in ms, or NaN when the clock rate is unknown. */
        public double jitterMs() {
            return clockRate > 0 && repairKind() == null ? jitter * 1000.0 / clockRate : Double.NaN;
        }

        public double maxJitterMs() {
            return clockRate > 0 && repairKind() == null ? maxJitterTs * 1000.0 / clockRate : Double.NaN;
        }

        /**
         * A repair stream: "rtx" (RFC 4588) or "fec" (ULPFEC, FlexFEC) when the SDP's a=ssrc-group names
         * it as such or all its packets have a repair payload type; else null. No jitter is computed on it.
         */
        public String repairKind() {
            return repairOf >= 0 || packets > 0 && repairPackets == packets ? repairKind : null;
        }

        /** The media SSRC it repairs (a=ssrc-group FID or FEC-FR), or -1 when the SDP did not say. */
        public long repairOf() {
            return repairOf;
        }

        /** The clock rate used for jitter (from the SDP's a=rtpmap), or 0. */
        public int clockRate() {
            return clockRate;
        }
    }

    /** TURN allocations of the session, in the order they were first seen. */
    public List<Allocation> allocations() {
        return List.copyOf(allocations);
    }

    /** Whether the session used TURN (an allocation, its requests, or relayed traffic). */
    public boolean turnSeen() {
        return !allocations.isEmpty();
    }

    /**
     * One TURN allocation (RFC 8656): the client's 5-tuple to the server and what was asked and
     * granted on it. Channel numbers and permissions belong to the allocation, not to the session:
     * two clients binding channel 0x4000 are two bindings.
     */
    public static final class Allocation {
        final FlowKey flow;
        Endpoint client;
        Endpoint server;
        Endpoint relayed;
        Long lifetime;
        int allocateRequests;
        int allocateErrors;
        final Map<Integer, Integer> errorCodes = new TreeMap<>();
        int refreshes;
        boolean released;
        final Set<String> permissions = new LinkedHashSet<>();
        int createPermissions;
        final Map<Integer, Endpoint> channels = new TreeMap<>();
        /** ChannelData per channel: [0] client to server, [1] server to client. */
        final Map<Integer, long[]> channelData = new TreeMap<>();
        long sendIndications;
        long dataIndications;
        long firstTsNanos;
        long lastTsNanos;

        Allocation(final FlowKey flow, final long ts) {
            this.flow = flow;
            this.firstTsNanos = ts;
            this.lastTsNanos = ts;
        }

        /** The client's 5-tuple to the TURN server. */
        public FlowKey flow() {
            return flow;
        }

        /** The TURN client (sent the requests), or null when only relayed data was seen. */
        public Endpoint client() {
            return client;
        }

        public Endpoint server() {
            return server;
        }

        /** XOR-RELAYED-ADDRESS of the Allocate success, or null when it was not seen. */
        public Endpoint relayed() {
            return relayed;
        }

        /** LIFETIME of the last Allocate or Refresh success that did not release it, in seconds, or null. */
        public Long lifetime() {
            return lifetime;
        }

        public int allocateRequests() {
            return allocateRequests;
        }

        /** Error responses to Allocate, Refresh, CreatePermission or ChannelBind. */
        public int errors() {
            return allocateErrors;
        }

        /** Those error responses by code (401 asks for credentials, 438 a stale nonce). */
        public Map<Integer, Integer> errorCodes() {
            return errorCodes;
        }

        /** Refresh requests (a lifetime of 0 releases the allocation). */
        public int refreshes() {
            return refreshes;
        }

        /** A Refresh with lifetime 0 was answered: the allocation was released. */
        public boolean released() {
            return released;
        }

        /** Peer IP addresses CreatePermission asked for. */
        public Set<String> permissions() {
            return permissions;
        }

        public int createPermissions() {
            return createPermissions;
        }

        /** Channel number to peer, from ChannelBind requests on this allocation. */
        public Map<Integer, Endpoint> channels() {
            return channels;
        }

        /** ChannelData messages on {@code channel}: [0] client to server, [1] server to client. */
        public Map<Integer, long[]> channelData() {
            return channelData;
        }

        public long sendIndications() {
            return sendIndications;
        }

        public long dataIndications() {
            return dataIndications;
        }

        public long firstTsNanos() {
            return firstTsNanos;
        }

        public long lastTsNanos() {
            return lastTsNanos;
        }
    }

    /** The 5-tuples (legs) the session's packets were seen on, in order of first packet. */
    public List<Leg> legs() {
        return List.copyOf(legs.values());
    }

    /**
     * One 5-tuple of the session as the capture saw it: a direct path between ICE candidates, or a
     * TURN client's 5-tuple to its server ({@link #allocation()} not null) that carries relayed
     * packets. With TURN seen from the server's side a packet crosses several legs (client to server,
     * relayed address to peer, server to the other client): each leg counts its frames, the session's
     * checks, records and media count each packet once.
     */
    public static final class Leg {
        final int index;
        final FlowKey flow;
        Allocation allocation;
        /** Frames from endpoint A to B of the flow, and back. */
        final long[] frames = new long[2];
        long lastFrame = -1;
        /** The direction {@link #lastFrame} was counted in (0: A to B). */
        int lastDir;
        long firstTsNanos;
        long lastTsNanos;

        Leg(final int index, final FlowKey flow, final long ts) {
            this.index = index;
            this.flow = flow;
            this.firstTsNanos = ts;
            this.lastTsNanos = ts;
        }

        public FlowKey flow() {
            return flow;
        }

        /** The TURN allocation whose client 5-tuple this leg is, or null for a direct leg. */
        public Allocation allocation() {
            return allocation;
        }

        /** Frames from the flow's endpoint A to B. */
        public long framesAtoB() {
            return frames[0];
        }

        public long framesBtoA() {
            return frames[1];
        }

        public long firstTsNanos() {
            return firstTsNanos;
        }

        public long lastTsNanos() {
            return lastTsNanos;
        }
    }

    /**
     * Recognises a packet seen again on another leg (a copy a TURN server forwarded) from a packet sent
     * again on the same leg: per key (an RTP sequence number, a DTLS record number), the legs and
     * directions it was already seen on. Seen again where it was seen before is a new packet (a
     * retransmission or the next one with that key); seen on a new leg and direction is a copy.
     */
    static final class Copies {
        private static final int SLOTS = 256;
        private final long[] keys = new long[SLOTS];
        private final long[] seenOn = new long[SLOTS];

        /** True when {@code key} at {@code point} (a bit: leg and direction) is a copy of a packet already counted. */
        boolean copy(final long key, final long point) {
            final int slot = (int) (key ^ key >>> 17 ^ key >>> 31) & (SLOTS - 1);
            if (point != 0 && seenOn[slot] != 0 && keys[slot] == key && (seenOn[slot] & point) == 0) {
                seenOn[slot] |= point;
                return true;
            }
            keys[slot] = key;
            seenOn[slot] = point;
            return false;
        }
    }
}

package dev.callscope.flow.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.tap.TcpEvent;
import dev.callscope.dissect.sdp.SdpBody;
import dev.callscope.dissect.websocket.SignallingMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the WebSocket signalling of a capture shows beside the media: each client's connections
 * and connection attempts (refused, established, closed by whom), its outages and reconnects; the
 * rooms (join, peers, leave in the JSON shapes room servers use) with their members over time; and
 * every offer/answer round of each peer connection in order, with the tracks each round adds or
 * removes and the ICE restarts. Built once, at the end, from what {@link WebrtcTracker} kept.
 */
public final class Signalling {
    /** A media gap shorter than this is not one (20 ms audio, 100 ms video, RTCP every second). */
    static final long MEDIA_GAP_NANOS = 500_000_000L;
    /** Rooms kept, and members kept per room (the mesh grows with their square). */
    static final int MAX_ROOMS = 256;
    static final int MAX_MEMBERS = 256;
    /** Connection attempts closer together than this are one round of retries. */
    static final long ATTEMPT_ROUND_NANOS = 100_000_000L;

    final List<Client> clients = new ArrayList<>();
    final List<Room> rooms = new ArrayList<>();
    final List<Negotiation> negotiations = new ArrayList<>();
    long roomsNotKept;

    /** Room ids past {@link #MAX_ROOMS}: their messages were not looked at. */
    public long roomsNotKept() {
        return roomsNotKept;
    }

    /** Clients of the signalling servers, by name when their messages give one, else by address. */
    public List<Client> clients() {
        return clients;
    }

    public List<Room> rooms() {
        return rooms;
    }

    /** Peer connections as their offers and answers show them, in order of their first offer. */
    public List<Negotiation> negotiations() {
        return negotiations;
    }

    // ------------------------------------------------------------------ model

    /** One TCP connection attempt to a signalling server. */
    public record Attempt(long frame, long tsNanos, Endpoint client, Endpoint server, String result) {
        public static final String REFUSED = "refused";
        public static final String ESTABLISHED = "established";
        public static final String UNANSWERED = "unanswered";
    }

    /** One WebSocket connection of a client to a signalling server. */
    public static final class Connection {
        final FlowKey flow;
        Endpoint client;
        Endpoint server;
        String name;
        long openTsNanos = -1;
        long openFrame = -1;
        long firstTsNanos = Long.MAX_VALUE;
        long lastTsNanos;
        long closeTsNanos = -1;
        long closeFrame = -1;
        /** "client" or "server": who sent the first FIN or RST, or the first close frame. */
        String closedBy;
        /** "FIN", "RST" or "close frame". */
        String closeHow;
        int closeCode = -1;
        long fromClient;
        long fromServer;
        /** Its messages, in order (the tracker keeps {@code maxSignallingMessages} in all). */
        final List<SignallingMessage> messages = new ArrayList<>();

        Connection(final FlowKey flow) {
            this.flow = flow;
        }

        public FlowKey flow() {
            return flow;
        }

        public Endpoint client() {
            return client;
        }

        public Endpoint server() {
            return server;
        }

        /** The sender name its messages gave, or null. */
        public String name() {
            return name;
        }

        /** SYN time, or -1 when the capture began after it. */
        public long openTsNanos() {
            return openTsNanos;
        }

        public long firstTsNanos() {
            return firstTsNanos;
        }

        public long lastTsNanos() {
            return lastTsNanos;
        }

        /** First FIN, RST or close frame, -1 when the connection was still open at the end. */
        public long closeTsNanos() {
            return closeTsNanos;
        }

        public long closeFrame() {
            return closeFrame;
        }

        public String closedBy() {
            return closedBy;
        }

        public String closeHow() {
            return closeHow;
        }

        /** The status code of the first close frame, -1 when none came. */
        public int closeCode() {
            return closeCode;
        }

        /** Signalling messages the client sent, and the server. */
        public long messagesFromClient() {
            return fromClient;
        }

        public long messagesFromServer() {
            return fromServer;
        }

        public List<SignallingMessage> messages() {
            return messages;
        }

        /** Whether {@code m} went from the client to the server. */
        public boolean fromClient(final SignallingMessage m) {
            return sender(m).equals(client);
        }
    }

    /**
     * A time a client had no established signalling connection, and how it came back: {@code attempts}
     * rounds of connection attempts (its own, and those of its address that carried no message),
     * {@code meanIntervalS} between rounds, and the longest media gap of its sessions meanwhile.
     */
    public record Outage(long fromNanos, long toNanos, int attempts, double meanIntervalS, long mediaGapNanos) {
        /** Seconds without signalling; NaN when it never came back. */
        public double seconds() {
            return toNanos < 0 ? Double.NaN : (toNanos - fromNanos) / 1e9;
        }
    }

    /** One client of the signalling server: its connections, its attempts, its outages. */
    public static final class Client {
        final String id;
        final List<Connection> connections = new ArrayList<>();
        final List<Attempt> attempts = new ArrayList<>();
        final List<Outage> outages = new ArrayList<>();

        Client(final String id) {
            this.id = id;
        }

        /** Its name in the signalling, or its IP address when no message named it. */
        public String id() {
            return id;
        }

        public List<Connection> connections() {
            return connections;
        }

        /** Every TCP connection attempt to the server, in order. */
        public List<Attempt> attempts() {
            return attempts;
        }

        public List<Outage> outages() {
            return outages;
        }
    }

    /** A member of a room: when the signalling said it joined and left. */
    public static final class Member {
        final String name;
        long joinedNanos = -1;
        long joinFrame = -1;
        long leftNanos = -1;
        long leftFrame = -1;
        String leftHow;

        Member(final String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public long joinedNanos() {
            return joinedNanos;
        }

        public long joinFrame() {
            return joinFrame;
        }

        /** -1 while still in the room at the end. */
        public long leftNanos() {
            return leftNanos;
        }

        public long leftFrame() {
            return leftFrame;
        }

        /** "leave" (it said so), "peer-left" (the server said so), "connection closed". */
        public String leftHow() {
            return leftHow;
        }
    }

    /**
     * Two members of a room and the WebRTC session between them (the mesh), and how the session
     * ended at its last packet ({@code endNanos}): "DTLS close_notify" (a DTLS 1.2 alert in the clear),
     * else "consent and media stopped" (a nominated pair kept alive by consent checks went silent),
     * else "last packet".
     */
    public record Link(String a, String b, WebrtcSession session, boolean connected, long endNanos, String endHow) {
        Link(final String a, final String b, final WebrtcSession session, final boolean connected) {
            this(a, b, session, connected, end(session), endHow(session));
        }

        private static long end(final WebrtcSession s) {
            return s == null ? -1 : s.lastTsNanos();
        }

        private static String endHow(final WebrtcSession s) {
            if (s == null) {
                return null;
            }
            if (s.dtls().alerts().stream().anyMatch(x -> x.contains("close_notify"))) {
                return "DTLS close_notify";
            }
            return s.nominated() != null && s.nominated().consentChecks() > 0 ? "consent and media stopped" : "last packet";
        }
    }

    /** A room: its members over time and the mesh of sessions between them. */
    public static final class Room {
        final String id;
        final Map<String, Member> members = new LinkedHashMap<>();
        final List<Link> mesh = new ArrayList<>();
        long messages;
        long membersNotKept;

        Room(final String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public List<Member> members() {
            return List.copyOf(members.values());
        }

        /** For every two members, the session between them (null when none was negotiated). */
        public List<Link> mesh() {
            return mesh;
        }

        public long messages() {
            return messages;
        }

        /** Names past {@link #MAX_MEMBERS} members: not kept. */
        public long membersNotKept() {
            return membersNotKept;
        }
    }

    /** An m= section as a description states it. */
    public record Track(String mid, String kind, String direction, String msid, List<Long> ssrcs, boolean rejected) {
        /** "video mid 2 sendonly msid 5bac.. SSRC 574335995". */
        public String summary() {
            final StringBuilder b = new StringBuilder().append(kind).append(" mid ").append(mid == null ? "-" : mid)
                .append(' ').append(rejected ? "rejected" : direction);
            if (msid != null) {
                b.append(" msid ").append(msid);
            }
            if (!ssrcs.isEmpty()) {
                b.append(" SSRC");
                ssrcs.forEach(s -> b.append(' ').append(s));
            }
            return b.toString();
        }
    }

    /** One offer or answer as it went over the signalling. */
    public record Description(long frame, long tsNanos, String type, String from, String to, String ufrag, String origin,
                              String version, List<Track> tracks, String source) {
    }

    /** A track a round added or removed, and when its SSRCs were on the wire. */
    public record TrackChange(Track track, long firstMediaNanos, long lastMediaNanos, long packets) {
    }

    /** One offer and its answer. */
    public static final class Round {
        final Description offer;
        Description answer;
        boolean iceRestart;
        final List<TrackChange> added = new ArrayList<>();
        final List<TrackChange> removed = new ArrayList<>();

        Round(final Description offer) {
            this.offer = offer;
        }

        public Description offer() {
            return offer;
        }

        /** Null when no answer came. */
        public Description answer() {
            return answer;
        }

        /** New ice-ufrag on either side: ICE started again on the same peer connection. */
        public boolean iceRestart() {
            return iceRestart;
        }

        public List<TrackChange> added() {
            return added;
        }

        public List<TrackChange> removed() {
            return removed;
        }
    }

    /** One peer connection pair (the two SDP origins) and its offer/answer rounds in order. */
    public static final class Negotiation {
        final String originA;
        final String originB;
        final List<Round> rounds = new ArrayList<>();
        WebrtcSession session;

        Negotiation(final String a, final String b) {
            this.originA = a;
            this.originB = b;
        }

        public List<Round> rounds() {
            return rounds;
        }

        /** The WebRTC session its ufrags name (after ICE restarts, the one they were merged into), or null. */
        public WebrtcSession session() {
            return session;
        }

        /** "bob -> alice" from the first offer's envelope, or null. */
        public String peers() {
            final Description o = rounds.get(0).offer;
            return o.from == null && o.to == null ? null : (o.from == null ? "?" : o.from) + " -> " + (o.to == null ? "?" : o.to);
        }
    }

    // ------------------------------------------------------------------ building

    /** An SDP and the signalling message that carried it (null when another carrier did). */
    record Sdp(SdpBody body, SignallingMessage carrier, String source) {
    }

    /** The tracks of an SDP's m= sections. */
    static List<Track> tracks(final SdpBody b) {
        final List<Track> out = new ArrayList<>();
        for (final SdpBody.Media m : b.media()) {
            String msid = null;
            final List<Long> ssrcs = new ArrayList<>();
            for (final SdpBody.Attribute a : m.attributes()) {
                if (a.value() == null) {
                    continue;
                }
                if ("msid".equals(a.name()) && msid == null) {
                    msid = a.value().trim();
                } else if ("ssrc".equals(a.name())) {
                    final String v = a.value().trim();
                    final int sp = v.indexOf(' ');
                    try {
                        final long ssrc = Long.parseLong(sp < 0 ? v : v.substring(0, sp));
                        if (!ssrcs.contains(ssrc) && ssrcs.size() < 16) {
                            ssrcs.add(ssrc);
                        }
                        if (msid == null && sp > 0 && v.startsWith("msid:", sp + 1)) {
                            msid = v.substring(sp + 6).trim();
                        }
                    } catch (final NumberFormatException e) {
                        // not an SSRC: skipped
                    }
                }
            }
            out.add(new Track(m.mid(), m.type(), m.direction(), msid, ssrcs, m.port() == 0));
        }
        return out;
    }

    static String ufrag(final SdpBody b) {
        if (b.iceUfrag() != null) {
            return b.iceUfrag();
        }
        for (final SdpBody.Media m : b.media()) {
            if (m.iceUfrag() != null) {
                return m.iceUfrag();
            }
        }
        return null;
    }

    /**
     * Builds the signalling view.
     *
     * @param messages the signalling messages kept, in order
     * @param tcp SYN, FIN and RST of TCP connections, in order
     * @param sdps the SDPs with their carriers, in order
     * @param sessions the WebRTC sessions (an ICE restart merges the later into the earlier here)
     * @param merge merges a session into another (the tracker's)
     * @param byUfrags the session of each sorted "ufragA:ufragB"
     */
    static Signalling build(final List<SignallingMessage> messages, final List<TcpEvent> tcp, final List<Sdp> sdps,
                            final Map<String, WebrtcSession> byUfrags, final java.util.function.BiConsumer<WebrtcSession, WebrtcSession> merge) {
        final Signalling s = new Signalling();
        final Map<FlowKey, Connection> conns = s.connections(messages, tcp);
        s.clients(conns, tcp);
        s.rooms(messages, conns);
        s.negotiations(sdps, byUfrags, merge);
        s.mediaGaps();
        s.mesh();
        if (s.rooms.isEmpty()) {
            s.rooms.addAll(inferRooms(s.negotiations));
        }
        return s;
    }

    /**
     * Rooms the signalling does not name, found from shared peers: a browser sends its local stream
     * (the msid stream id) to every peer of a mesh, so the peer connections whose descriptions share a
     * stream id are one peer's. Peers linked by sessions form a room when there are at least three.
     * Members are named as the signalling names them, else "peer" and the start of their stream id;
     * they joined with their first session and left with their last.
     */
    static List<Room> inferRooms(final List<Negotiation> negotiations) {
        // a peer: the SDP origins (one per peer connection) that share a stream id
        final Map<String, String> parent = new HashMap<>();
        final Map<String, String> streamOwner = new HashMap<>();
        final Map<String, String> nameOf = new HashMap<>();
        for (final Negotiation n : negotiations) {
            for (final Round r : n.rounds) {
                for (final Description d : r.answer == null ? List.of(r.offer) : List.of(r.offer, r.answer)) {
                    find(parent, d.origin());
                    if (d.from() != null) {
                        nameOf.putIfAbsent(d.origin(), d.from());
                    }
                    for (final Track t : d.tracks()) {
                        if (t.msid() == null || t.msid().isBlank() || t.msid().startsWith("-")) {
                            continue;
                        }
                        final String stream = t.msid().split(" ")[0];
                        final String owner = streamOwner.putIfAbsent(stream, d.origin());
                        if (owner != null) {
                            union(parent, owner, d.origin());
                        }
                    }
                }
            }
        }
        // peers linked by sessions: rooms
        final Map<String, String> room = new HashMap<>();
        for (final Negotiation n : negotiations) {
            if (n.session != null) {
                union(room, find(parent, n.originA), find(parent, n.originB));
            }
        }
        final Map<String, List<Negotiation>> byRoom = new LinkedHashMap<>();
        for (final Negotiation n : negotiations) {
            if (n.session != null) {
                byRoom.computeIfAbsent(find(room, find(parent, n.originA)), k -> new ArrayList<>()).add(n);
            }
        }
        final List<Room> out = new ArrayList<>();
        for (final List<Negotiation> ns : byRoom.values()) {
            final Map<String, Member> members = new LinkedHashMap<>();
            final Map<String, String> memberName = new HashMap<>();
            for (final Negotiation n : ns) {
                for (final String origin : new String[] {n.originA, n.originB}) {
                    final String peer = find(parent, origin);
                    String name = memberName.get(peer);
                    if (name == null) {
                        name = nameOf.get(origin);
                        if (name == null) {
                            for (final Map.Entry<String, String> e : streamOwner.entrySet()) {
                                if (find(parent, e.getValue()).equals(peer)) {
                                    name = "peer " + e.getKey().substring(0, Math.min(8, e.getKey().length()));
                                    break;
                                }
                            }
                        }
                        name = name == null ? "peer " + (memberName.size() + 1) : name;
                        memberName.put(peer, name);
                    }
                    final Member m = members.computeIfAbsent(name, Member::new);
                    final WebrtcSession s = n.session;
                    if (m.joinedNanos < 0 || s.firstTsNanos < m.joinedNanos) {
                        m.joinedNanos = s.firstTsNanos;
                        m.joinFrame = s.firstFrame;
                    }
                    if (s.lastTsNanos > m.leftNanos) {
                        m.leftNanos = s.lastTsNanos;
                        m.leftHow = "last session ended";
                    }
                }
            }
            if (members.size() < 3 || out.size() >= MAX_ROOMS) {
                continue;
            }
            final Room r = new Room("(inferred " + (out.size() + 1) + ")");
            int kept = 0;
            for (final Member m : members.values()) {
                if (kept++ < MAX_MEMBERS) {
                    r.members.put(m.name, m);
                } else {
                    r.membersNotKept++;
                }
            }
            for (final Negotiation n : ns) {
                final String a = memberName.get(find(parent, n.originA));
                final String b = memberName.get(find(parent, n.originB));
                if (r.members.containsKey(a) && r.members.containsKey(b) && !a.equals(b)) {
                    r.mesh.add(new Link(a, b, n.session, connected(n.session)));
                }
            }
            out.add(r);
        }
        return out;
    }

    private static String find(final Map<String, String> parent, final String x) {
        String p = parent.computeIfAbsent(x, k -> k);
        while (!p.equals(parent.get(p))) {
            final String up = parent.get(parent.get(p));
            parent.put(p, up);
            p = up;
        }
        return p;
    }

    private static void union(final Map<String, String> parent, final String a, final String b) {
        final String ra = find(parent, a);
        final String rb = find(parent, b);
        if (!ra.equals(rb)) {
            parent.put(rb, ra);
        }
    }

    private static boolean connected(final WebrtcSession s) {
        return s != null && (s.nominated() != null || s.dtls().seen() || s.srtpPackets() > 0);
    }

    /** Every two members of a room, and the session their offers and answers named. */
    private void mesh() {
        for (final Room r : rooms) {
            final List<Member> ms = r.members();
            for (int i = 0; i < ms.size(); i++) {
                for (int j = i + 1; j < ms.size(); j++) {
                    final String a = ms.get(i).name;
                    final String b = ms.get(j).name;
                    WebrtcSession session = null;
                    for (final Negotiation n : negotiations) {
                        final Description o = n.rounds.get(0).offer;
                        if (a.equals(o.from()) && b.equals(o.to()) || b.equals(o.from()) && a.equals(o.to())) {
                            session = n.session;
                            if (session != null) {
                                break;
                            }
                        }
                    }
                    r.mesh.add(new Link(a, b, session, connected(session)));
                }
            }
        }
    }

    private Map<FlowKey, Connection> connections(final List<SignallingMessage> messages, final List<TcpEvent> tcp) {
        final Map<FlowKey, Connection> conns = new LinkedHashMap<>();
        for (final SignallingMessage m : messages) {
            final Connection c = conns.computeIfAbsent(m.flow(), Connection::new);
            c.messages.add(m);
            c.firstTsNanos = Math.min(c.firstTsNanos, m.tsNanos());
            c.lastTsNanos = Math.max(c.lastTsNanos, m.tsNanos());
        }
        // who is the client: the SYN's sender; else the end whose address:port is in only one connection
        final Map<FlowKey, Direction> synFrom = new HashMap<>();
        for (final TcpEvent e : tcp) {
            if (conns.containsKey(e.flow()) && e.kind().equals("SYN")) {
                synFrom.putIfAbsent(e.flow(), e.direction());
                final Connection c = conns.get(e.flow());
                if (c.openTsNanos < 0) {
                    c.openTsNanos = e.tsNanos();
                    c.openFrame = e.frame();
                }
            }
        }
        final Map<Endpoint, Integer> uses = new HashMap<>();
        conns.keySet().forEach(f -> {
            uses.merge(f.endpointA(), 1, Integer::sum);
            uses.merge(f.endpointB(), 1, Integer::sum);
        });
        for (final Connection c : conns.values()) {
            final Direction d = synFrom.get(c.flow);
            final boolean aIsClient;
            if (d != null) {
                aIsClient = d == Direction.A_TO_B;
            } else {
                final int ua = uses.get(c.flow.endpointA());
                final int ub = uses.get(c.flow.endpointB());
                aIsClient = ua != ub ? ua < ub : c.flow.endpointA().port() > c.flow.endpointB().port();
            }
            c.client = aIsClient ? c.flow.endpointA() : c.flow.endpointB();
            c.server = aIsClient ? c.flow.endpointB() : c.flow.endpointA();
        }
        for (final SignallingMessage m : messages) {
            final Connection c = conns.get(m.flow());
            final boolean fromClient = sender(m).equals(c.client);
            if ("close".equals(m.type())) {
                if (c.closeCode < 0) {
                    c.closeCode = m.closeCode();
                    close(c, m.tsNanos(), m.frame(), fromClient, "close frame");
                }
                continue;
            }
            if (fromClient) {
                c.fromClient++;
            } else {
                c.fromServer++;
            }
            final SignallingMessage.Envelope e = m.envelope();
            if (fromClient && c.name == null && e != null) {
                c.name = e.from() != null ? e.from() : "join".equals(e.kind()) ? e.peer() : null;
            }
        }
        for (final TcpEvent e : tcp) {
            final Connection c = conns.get(e.flow());
            if (c != null && (e.flags() & (TcpEvent.FIN | TcpEvent.RST)) != 0) {
                final Endpoint from = e.direction() == Direction.A_TO_B ? e.flow().endpointA() : e.flow().endpointB();
                close(c, e.tsNanos(), e.frame(), from.equals(c.client), e.kind());
            }
        }
        return conns;
    }

    private static Endpoint sender(final SignallingMessage m) {
        return m.direction() == Direction.A_TO_B ? m.flow().endpointA() : m.flow().endpointB();
    }

    private static void close(final Connection c, final long ts, final long frame, final boolean byClient, final String how) {
        if (c.closeTsNanos < 0 || ts < c.closeTsNanos) {
            c.closeTsNanos = ts;
            c.closeFrame = frame;
            c.closedBy = byClient ? "client" : "server";
            c.closeHow = how;
        }
    }

    private void clients(final Map<FlowKey, Connection> conns, final List<TcpEvent> tcp) {
        final Map<String, Client> byId = new LinkedHashMap<>();
        final Map<String, String> nameOfHost = new HashMap<>();
        final Map<String, Integer> namesPerHost = new HashMap<>();
        for (final Connection c : conns.values()) {
            if (c.name != null && !c.name.equals(nameOfHost.put(c.client.host(), c.name))) {
                namesPerHost.merge(c.client.host(), 1, Integer::sum);
            }
        }
        final java.util.Set<Endpoint> servers = new java.util.HashSet<>();
        for (final Connection c : conns.values()) {
            servers.add(c.server);
            byId.computeIfAbsent(id(c.name, c.client, nameOfHost, namesPerHost), Client::new).connections.add(c);
        }
        // attempts: every SYN to a signalling server, and how it was answered
        final Map<FlowKey, Attempt> open = new LinkedHashMap<>();
        final Map<FlowKey, String> result = new HashMap<>();
        for (final TcpEvent e : tcp) {
            final Endpoint dst = e.direction() == Direction.A_TO_B ? e.flow().endpointB() : e.flow().endpointA();
            final Endpoint src = e.direction() == Direction.A_TO_B ? e.flow().endpointA() : e.flow().endpointB();
            if (e.kind().equals("SYN") && servers.contains(dst)) {
                open.putIfAbsent(e.flow(), new Attempt(e.frame(), e.tsNanos(), src, dst, Attempt.UNANSWERED));
            } else if (open.containsKey(e.flow()) && !result.containsKey(e.flow()) && servers.contains(src)) {
                if (e.kind().equals("SYN-ACK")) {
                    result.put(e.flow(), Attempt.ESTABLISHED);
                } else if (e.kind().equals("RST")) {
                    result.put(e.flow(), Attempt.REFUSED);
                }
            }
        }
        for (final Map.Entry<FlowKey, Attempt> a : open.entrySet()) {
            final Attempt x = a.getValue();
            final Connection c = conns.get(a.getKey());
            final String id = c != null ? id(c.name, c.client, nameOfHost, namesPerHost) : id(null, x.client(), nameOfHost, namesPerHost);
            final Attempt y = new Attempt(x.frame(), x.tsNanos(), x.client(), x.server(),
                result.getOrDefault(a.getKey(), c != null ? Attempt.ESTABLISHED : Attempt.UNANSWERED));
            byId.computeIfAbsent(id, Client::new).attempts.add(y);
        }
        for (final Client c : byId.values()) {
            c.connections.sort(java.util.Comparator.comparingLong(x -> x.openTsNanos >= 0 ? x.openTsNanos : x.firstTsNanos));
            // attempts that carried no message are named by their address only: when several clients
            // share it (one machine), each client's outage counts them too
            final List<Attempt> mine = new ArrayList<>(c.attempts);
            if (!c.connections.isEmpty() && !c.id.equals(c.connections.get(0).client.host())) {
                final Client host = byId.get(c.connections.get(0).client.host());
                if (host != null) {
                    mine.addAll(host.attempts);
                }
            }
            outages(c, mine);
        }
        clients.addAll(byId.values());
    }

    /** A client's name, or its IP address when unnamed (or when several names share the address). */
    private static String id(final String name, final Endpoint client, final Map<String, String> nameOfHost,
                             final Map<String, Integer> namesPerHost) {
        if (name != null) {
            return name;
        }
        final String host = client.host();
        return namesPerHost.getOrDefault(host, 0) == 1 && nameOfHost.containsKey(host) ? nameOfHost.get(host) : host;
    }

    /** From each connection's close to the next established one: the attempts between and their interval. */
    private static void outages(final Client c, final List<Attempt> attempts) {
        for (int i = 0; i < c.connections.size(); i++) {
            final Connection x = c.connections.get(i);
            if (x.closeTsNanos < 0) {
                continue;
            }
            final Connection next = i + 1 < c.connections.size() ? c.connections.get(i + 1) : null;
            final long to = next == null ? -1 : next.openTsNanos >= 0 ? next.openTsNanos : next.firstTsNanos;
            final List<Long> times = new ArrayList<>();
            for (final Attempt a : attempts) {
                if (a.tsNanos() > x.closeTsNanos && (to < 0 || a.tsNanos() <= to)) {
                    times.add(a.tsNanos());
                }
            }
            times.sort(null);
            // attempts closer than ATTEMPT_ROUND_NANOS are one round (clients sharing an address retry together)
            final List<Long> rounds = new ArrayList<>();
            for (final long t : times) {
                if (rounds.isEmpty() || t - rounds.get(rounds.size() - 1) >= ATTEMPT_ROUND_NANOS) {
                    rounds.add(t);
                }
            }
            double interval = Double.NaN;
            if (rounds.size() >= 2) {
                interval = (rounds.get(rounds.size() - 1) - rounds.get(0)) / 1e9 / (rounds.size() - 1);
            }
            if (next != null || !rounds.isEmpty()) {
                c.outages.add(new Outage(x.closeTsNanos, to, rounds.size(), interval, -1));
            }
        }
    }

    private void rooms(final List<SignallingMessage> messages, final Map<FlowKey, Connection> conns) {
        final Map<String, Room> byId = new LinkedHashMap<>();
        for (final SignallingMessage m : messages) {
            final SignallingMessage.Envelope e = m.envelope();
            if (e == null || e.room() == null) {
                continue;
            }
            Room r = byId.get(e.room());
            if (r == null) {
                if (byId.size() >= MAX_ROOMS) {
                    roomsNotKept++;
                    continue;
                }
                r = new Room(e.room());
                byId.put(e.room(), r);
            }
            r.messages++;
            final Connection c = conns.get(m.flow());
            final boolean fromClient = sender(m).equals(c.client);
            final String kind = e.kind() == null ? "" : e.kind().toLowerCase(Locale.ROOT);
            final String who = e.from() != null ? e.from() : e.peer();
            if (fromClient && kind.equals("join") && who != null) {
                joined(r, who, m);
            } else if (!fromClient && (kind.equals("peer-joined") || kind.equals("joined") || kind.equals("join")) && who != null) {
                joined(r, who, m);
            } else if (fromClient && (kind.equals("leave") || kind.equals("bye")) && who != null) {
                left(r, who, m.tsNanos(), m.frame(), "leave");
            } else if (!fromClient && (kind.equals("peer-left") || kind.equals("left") || kind.equals("leave")) && who != null) {
                left(r, who, m.tsNanos(), m.frame(), "peer-left");
            }
            if (!fromClient) {
                for (final String p : e.peers()) {
                    joined(r, p, m);
                }
            }
        }
        // a member whose last connection closed without a leave left then
        for (final Room r : byId.values()) {
            for (final Member mb : r.members.values()) {
                if (mb.leftNanos >= 0) {
                    continue;
                }
                Connection last = null;
                for (final Connection c : conns.values()) {
                    if (mb.name.equals(c.name) && (last == null || c.firstTsNanos > last.firstTsNanos)) {
                        last = c;
                    }
                }
                if (last != null && last.closeTsNanos >= 0) {
                    mb.leftNanos = last.closeTsNanos;
                    mb.leftFrame = last.closeFrame;
                    mb.leftHow = "connection closed";
                }
            }
        }
        rooms.addAll(byId.values());
    }

    private static void joined(final Room r, final String name, final SignallingMessage m) {
        final Member mb = member(r, name);
        if (mb == null) {
            return;
        }
        if (mb.joinedNanos < 0 || m.tsNanos() < mb.joinedNanos) {
            mb.joinedNanos = m.tsNanos();
            mb.joinFrame = m.frame();
        }
        if (mb.leftNanos >= 0 && m.tsNanos() > mb.leftNanos) {
            mb.leftNanos = -1; // joined again
            mb.leftFrame = -1;
            mb.leftHow = null;
        }
    }

    /** The member {@code name} of {@code r}, made when new; null past {@link #MAX_MEMBERS}. */
    private static Member member(final Room r, final String name) {
        Member mb = r.members.get(name);
        if (mb == null) {
            if (r.members.size() >= MAX_MEMBERS) {
                r.membersNotKept++;
                return null;
            }
            mb = new Member(name);
            r.members.put(name, mb);
        }
        return mb;
    }

    private static void left(final Room r, final String name, final long ts, final long frame, final String how) {
        final Member mb = member(r, name);
        if (mb == null) {
            return;
        }
        if (mb.leftNanos < 0 || "leave".equals(how) && !"leave".equals(mb.leftHow)) {
            mb.leftNanos = ts;
            mb.leftFrame = frame;
            mb.leftHow = how;
        }
    }

    private void negotiations(final List<Sdp> sdps, final Map<String, WebrtcSession> byUfrags,
                              final java.util.function.BiConsumer<WebrtcSession, WebrtcSession> merge) {
        // one description per origin, version and type: the server relays each, so it is seen twice
        final Map<String, Description> seen = new LinkedHashMap<>();
        for (final Sdp x : sdps) {
            if (x.carrier() == null || x.body().origin() == null) {
                continue;
            }
            final String type = x.carrier().type();
            if (!type.equals("offer") && !type.equals("answer") && !type.equals("pranswer")) {
                continue;
            }
            final SdpBody.Origin o = x.body().origin();
            final String origin = o.username() + " " + o.sessionId();
            final SignallingMessage.Envelope e = x.carrier().envelope();
            seen.putIfAbsent(origin + " " + o.sessionVersion() + " " + type, new Description(x.body().frame(), x.body().tsNanos(),
                type, e == null ? null : e.from(), e == null ? null : e.to(), ufrag(x.body()), origin, o.sessionVersion(),
                tracks(x.body()), x.source()));
        }
        final List<Description> pending = new ArrayList<>();
        final Map<String, Negotiation> byPair = new LinkedHashMap<>();
        for (final Description d : seen.values()) {
            if (d.type().equals("offer")) {
                pending.add(d);
                continue;
            }
            Description offer = null;
            for (final Description o : pending) {
                if (!o.origin().equals(d.origin()) && (d.from() == null || o.to() == null || d.from().equals(o.to()))
                    && (d.to() == null || o.from() == null || d.to().equals(o.from()))) {
                    offer = o;
                    break;
                }
            }
            if (offer == null) {
                continue;
            }
            pending.remove(offer);
            final String a = offer.origin().compareTo(d.origin()) <= 0 ? offer.origin() : d.origin();
            final String b = a.equals(offer.origin()) ? d.origin() : offer.origin();
            final Negotiation n = byPair.computeIfAbsent(a + "|" + b, k -> new Negotiation(a, b));
            final Round r = new Round(offer);
            r.answer = d;
            n.rounds.add(r);
        }
        for (final Negotiation n : byPair.values()) {
            n.rounds.sort(java.util.Comparator.comparingLong(r -> r.offer.tsNanos()));
            Round prev = null;
            for (final Round r : n.rounds) {
                final WebrtcSession s = session(byUfrags, r);
                if (s != null && n.session == null) {
                    n.session = s;
                } else if (s != null && s != n.session) {
                    merge.accept(s, n.session);
                }
                if (prev != null) {
                    r.iceRestart = !java.util.Objects.equals(prev.offer.ufrag(), r.offer.ufrag())
                        || prev.answer != null && r.answer != null && !java.util.Objects.equals(prev.answer.ufrag(), r.answer.ufrag());
                    diff(prev, r);
                } else {
                    for (final Track t : r.offer.tracks()) {
                        if (!t.rejected()) {
                            r.added.add(new TrackChange(t, -1, -1, 0));
                        }
                    }
                }
                prev = r;
            }
            negotiations.add(n);
        }
        for (final Negotiation n : negotiations) {
            for (final Round r : n.rounds) {
                media(n.session, r.added);
                media(n.session, r.removed);
            }
        }
    }

    private static WebrtcSession session(final Map<String, WebrtcSession> byUfrags, final Round r) {
        if (r.answer == null || r.offer.ufrag() == null || r.answer.ufrag() == null) {
            return null;
        }
        final String a = r.offer.ufrag();
        final String b = r.answer.ufrag();
        WebrtcSession s = byUfrags.get(a.compareTo(b) <= 0 ? a + ":" + b : b + ":" + a);
        while (s != null && s.mergedInto != null) {
            s = s.mergedInto;
        }
        return s;
    }

    /** Tracks the offer of {@code r} adds (a new mid) or removes (rejected, or inactive where it was not). */
    private static void diff(final Round prev, final Round r) {
        final Map<String, Track> before = new HashMap<>();
        prev.offer.tracks().forEach(t -> before.put(t.mid() + " " + t.kind(), t));
        for (final Track t : r.offer.tracks()) {
            final Track b = before.get(t.mid() + " " + t.kind());
            final boolean wasLive = b != null && !b.rejected() && !"inactive".equals(b.direction());
            final boolean isLive = !t.rejected() && !"inactive".equals(t.direction());
            if (isLive && (b == null || !wasLive || !java.util.Objects.equals(b.msid(), t.msid()) && t.msid() != null)) {
                r.added.add(new TrackChange(t, -1, -1, 0));
            } else if (!isLive && wasLive) {
                r.removed.add(new TrackChange(b, -1, -1, 0));
            }
        }
    }

    /** When the SSRCs of each changed track were first and last on the wire, and how many packets. */
    private static void media(final WebrtcSession s, final List<TrackChange> changes) {
        if (s == null) {
            return;
        }
        for (int i = 0; i < changes.size(); i++) {
            final TrackChange c = changes.get(i);
            long first = -1;
            long last = -1;
            long packets = 0;
            for (final WebrtcSession.SrtpStream st : s.srtpStreams()) {
                if (!st.rtcp() && c.track().ssrcs().contains(st.ssrc())) {
                    first = first < 0 ? st.firstTsNanos() : Math.min(first, st.firstTsNanos());
                    last = Math.max(last, st.lastTsNanos());
                    packets += st.packets();
                }
            }
            changes.set(i, new TrackChange(c.track(), first, last, packets));
        }
    }

    /** For each outage, the longest gap in the media of the sessions its client's name negotiated. */
    private void mediaGaps() {
        for (final Client c : clients) {
            for (int i = 0; i < c.outages.size(); i++) {
                final Outage o = c.outages.get(i);
                long gap = 0;
                for (final Negotiation n : negotiations) {
                    final Description first = n.rounds.get(0).offer;
                    if (n.session == null || !(c.id.equals(first.from()) || c.id.equals(first.to()))) {
                        continue;
                    }
                    gap = Math.max(gap, n.session.mediaGapNanos(o.fromNanos(), o.toNanos() < 0 ? Long.MAX_VALUE : o.toNanos()));
                }
                c.outages.set(i, new Outage(o.fromNanos(), o.toNanos(), o.attempts(), o.meanIntervalS(), gap));
            }
        }
    }
}

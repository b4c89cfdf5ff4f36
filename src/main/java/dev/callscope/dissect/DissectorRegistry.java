package dev.callscope.dissect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The dissectors and the tables where they attach. Loaded with {@link ServiceLoader}, sorted by id
 * for deterministic heuristic order; a duplicate id is a startup error.
 */
public final class DissectorRegistry {
    private final Map<String, Dissector> byId;
    private final Map<Integer, List<Dissector>> udpPorts = new HashMap<>();
    private final Map<Integer, List<Dissector>> tcpPorts = new HashMap<>();
    private final Map<String, Dissector> contentTypes = new HashMap<>();
    private final List<Dissector> heuristics = new ArrayList<>();

    private DissectorRegistry(final List<Dissector> dissectors, final Set<String> disabled) {
        final TreeMap<String, Dissector> ids = new TreeMap<>();
        for (final Dissector d : dissectors) {
            final String id = d.id();
            if (ids.put(id, d) != null) {
                throw new IllegalStateException("two dissectors have the id '" + id + "'");
            }
        }
        for (final String id : disabled) {
            if (!ids.containsKey(id)) {
                throw new IllegalArgumentException("unknown dissector '" + id + "' (known: " + String.join(", ", ids.keySet()) + ")");
            }
            ids.remove(id);
        }
        this.byId = Collections.unmodifiableMap(ids);
        for (final Dissector d : ids.values()) {
            for (final Binding b : d.bindings()) {
                switch (b.table()) {
                    case UDP_PORT:
                        udpPorts.computeIfAbsent(Integer.parseInt(b.key()), k -> new ArrayList<>()).add(d);
                        break;
                    case TCP_PORT:
                        tcpPorts.computeIfAbsent(Integer.parseInt(b.key()), k -> new ArrayList<>()).add(d);
                        break;
                    case CONTENT_TYPE:
                        contentTypes.putIfAbsent(b.key(), d);
                        break;
                    default:
                        throw new IllegalStateException(b.table().toString());
                }
            }
            if (d.heuristic()) {
                heuristics.add(d);
            }
        }
    }

    /** Every dissector on the class path of {@code loader}. */
    public static DissectorRegistry load(final ClassLoader loader, final Set<String> disabled) {
        final List<Dissector> all = new ArrayList<>();
        for (final Dissector d : ServiceLoader.load(Dissector.class, loader)) {
            all.add(d);
        }
        return new DissectorRegistry(all, disabled);
    }

    /** The built-in dissectors (this jar's service registrations). */
    public static DissectorRegistry builtIn(final Set<String> disabled) {
        return load(DissectorRegistry.class.getClassLoader(), disabled);
    }

    /**
     * The built-in dissectors, each given {@code preferences} (see {@link Dissector#configure})
     * before its bindings and heuristic flag are read.
     */
    public static DissectorRegistry builtIn(final Set<String> disabled, final Map<String, String> preferences) {
        final List<Dissector> all = new ArrayList<>();
        for (final Dissector d : ServiceLoader.load(Dissector.class, DissectorRegistry.class.getClassLoader())) {
            d.configure(Map.copyOf(preferences));
            all.add(d);
        }
        return new DissectorRegistry(all, disabled);
    }

    /** Exactly these dissectors (tests, embedding). */
    public static DissectorRegistry of(final List<Dissector> dissectors) {
        return new DissectorRegistry(dissectors, Set.of());
    }

    public Dissector byId(final String id) {
        return byId.get(id);
    }

    /** Ids in sorted order. */
    public Set<String> ids() {
        return byId.keySet();
    }

    /** Dissectors bound to a port of a transport (empty list when none). */
    public List<Dissector> byPort(final Transport transport, final int port) {
        final List<Dissector> l = (transport == Transport.TCP ? tcpPorts : udpPorts).get(port);
        return l == null ? List.of() : l;
    }

    /** The dissector bound to a content type (parameters after ';' ignored, case-insensitive), or null. */
    public Dissector byContentType(final String contentType) {
        String t = contentType;
        final int semi = t.indexOf(';');
        if (semi >= 0) {
            t = t.substring(0, semi);
        }
        return contentTypes.get(t.trim().toLowerCase(java.util.Locale.ROOT));
    }

    /** Heuristic dissectors in id order. */
    public List<Dissector> heuristics() {
        return Collections.unmodifiableList(heuristics);
    }
}

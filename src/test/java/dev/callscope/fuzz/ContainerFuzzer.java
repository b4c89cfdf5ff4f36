package dev.callscope.fuzz;

import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Makes container-level cases: valid pcap and pcapng files (real ones cut to a few records, and
 * generated ones with every block type the reader knows or skips: several sections of both byte
 * orders, IDB options, EPB/SPB/PB, ISB, NRB, Decryption Secrets, custom and unknown blocks), then
 * mutated with knowledge of their layout: header and length fields set to boundary values, a
 * snaplen below the captured lengths, truncation at every kind of boundary, blocks inserted,
 * duplicated, dropped or swapped, the byte-order magic flipped, plain byte mutations, and gzip
 * (whole or cut).
 */
final class ContainerFuzzer {
    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 1;
    static final int PB = 2;
    static final int SPB = 3;
    static final int NRB = 4;
    static final int ISB = 5;
    static final int EPB = 6;
    static final int DSB = 0x0000000A;
    static final int CUSTOM = 0x00000BAD;
    static final int MAX_CAPLEN = RawFrame.MAX_CAPLEN;
    static final int MAX_BLOCK = 64 << 20;

    /** A field of a file: where it is, how wide, and what kind of value it holds. */
    record Field(int offset, int width, String what) {
    }

    /** A file and its layout. */
    record Layout(byte[] bytes, boolean pcapng, boolean bigEndian, List<Field> fields, List<int[]> blocks) {
    }

    /** One input and how it was made. */
    record Input(String name, byte[] bytes, String how) {
    }

    private final List<byte[]> seeds;
    private final List<byte[]> payloads;

    /**
     * @param realFiles small real capture files (used as they are, cut to a few records)
     * @param frames link-layer frames (Ethernet) to put in generated files
     */
    ContainerFuzzer(final List<byte[]> realFiles, final List<byte[]> frames) {
        this.payloads = frames.isEmpty() ? List.of(new byte[60]) : frames;
        final List<byte[]> s = new ArrayList<>();
        for (final byte[] f : realFiles) {
            s.add(cut(f, 24));
        }
        final SplittableRandom r = new SplittableRandom(42);
        for (final ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            s.add(pcap(o, false, 65_535, 8, r));
            s.add(pcap(o, true, 262_144, 8, r));
            s.add(pcapng(o, r, false));
            s.add(pcapng(o, r, true));
        }
        this.seeds = s;
    }

    List<byte[]> seeds() {
        return seeds;
    }

    /** The case drawn from {@code caseSeed}. */
    Input next(final long caseSeed) {
        final SplittableRandom r = new SplittableRandom(caseSeed);
        final byte[] seed = seeds.get(r.nextInt(seeds.size()));
        byte[] b = seed.clone();
        final StringBuilder how = new StringBuilder();
        final int n = 1 + (r.nextInt(4) == 0 ? r.nextInt(4) : 0);
        for (int i = 0; i < n; i++) {
            b = once(b, r, how);
        }
        if (r.nextInt(10) == 0) {
            b = gzip(b);
            how.append(" gzip");
            if (r.nextInt(3) == 0) {
                if (r.nextBoolean()) {
                    b = Arrays.copyOf(b, r.nextInt(b.length));
                    how.append(" cut");
                } else {
                    Mutator.mutateInPlace(b, Math.min(10, b.length), b.length, r);
                    how.append(" bytes");
                }
            }
        }
        final boolean ng = b.length >= 4 && ByteBuffer.wrap(b).getInt() == SHB;
        return new Input("fuzz-" + Long.toHexString(caseSeed) + (ng ? ".pcapng" : ".pcap"), b, how.toString().trim());
    }

    private byte[] once(final byte[] b, final SplittableRandom r, final StringBuilder how) {
        final Layout l = layout(b);
        final int op = r.nextInt(12);
        switch (op) {
            case 0:
            case 1:
            case 2: { // a header or length field set to a boundary value
                if (l.fields().isEmpty()) {
                    break;
                }
                final Field f = l.fields().get(r.nextInt(l.fields().size()));
                final long v = boundary(f, l, r);
                Mutator.put(b, f.offset(), f.width(), v, r.nextInt(8) == 0 ? !l.bigEndian() : l.bigEndian());
                how.append(" ").append(f.what()).append('@').append(f.offset()).append("=0x").append(Long.toHexString(v));
                return b;
            }
            case 3: { // truncation at a boundary, give or take a few bytes
                final List<Integer> cuts = new ArrayList<>();
                for (final Field f : l.fields()) {
                    cuts.add(f.offset());
                    cuts.add(f.offset() + f.width());
                }
                for (final int[] blk : l.blocks()) {
                    cuts.add(blk[0]);
                    cuts.add(blk[0] + blk[1]);
                }
                if (cuts.isEmpty()) {
                    cuts.add(b.length);
                }
                final int at = Math.max(0, Math.min(b.length,
                    cuts.get(r.nextInt(cuts.size())) + (r.nextInt(3) == 0 ? r.nextInt(9) - 4 : 0)));
                how.append(" cut@").append(at);
                return Arrays.copyOf(b, at);
            }
            case 4: { // the snaplen below the captured lengths
                for (final Field f : l.fields()) {
                    if (f.what().endsWith("snaplen")) {
                        final int v = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(64);
                        Mutator.put(b, f.offset(), 4, v, l.bigEndian());
                        how.append(" ").append(f.what()).append('=').append(v);
                        if (r.nextBoolean()) {
                            break;
                        }
                    }
                }
                return b;
            }
            case 5: { // a block or record inserted at a boundary
                final int at = boundaryOffset(l, r);
                final byte[] blk = l.pcapng() ? extraBlock(l.bigEndian(), r, how) : extraRecord(l.bigEndian(), r, how);
                return Mutator.insertAny(b, at, blk);
            }
            case 6: { // a block duplicated, dropped or swapped with the next
                if (l.blocks().size() < 2) {
                    break;
                }
                final int i = 1 + r.nextInt(l.blocks().size() - 1);
                final int[] blk = l.blocks().get(i);
                final byte[] body = Arrays.copyOfRange(b, blk[0], blk[0] + blk[1]);
                switch (r.nextInt(3)) {
                    case 0:
                        how.append(" dup#").append(i);
                        return Mutator.insertAny(b, blk[0], body);
                    case 1:
                        how.append(" drop#").append(i);
                        return Mutator.replaceAny(b, blk[0], blk[0] + blk[1], new byte[0]);
                    default:
                        if (i + 1 >= l.blocks().size()) {
                            break;
                        }
                        final int[] next = l.blocks().get(i + 1);
                        final byte[] nb = Arrays.copyOfRange(b, next[0], next[0] + next[1]);
                        final byte[] out = Mutator.replaceAny(b, blk[0], next[0] + next[1], concat(nb, body));
                        how.append(" swap#").append(i);
                        return out;
                }
                break;
            }
            case 7: { // the byte order flipped
                if (l.pcapng() && b.length >= 12) {
                    final int shbAt = pickShb(l, r);
                    for (int k = 0; k < 2; k++) {
                        final byte t = b[shbAt + 8 + k];
                        b[shbAt + 8 + k] = b[shbAt + 11 - k];
                        b[shbAt + 11 - k] = t;
                    }
                    how.append(" bom-flip@").append(shbAt);
                } else if (b.length >= 4) {
                    for (int k = 0; k < 2; k++) {
                        final byte t = b[k];
                        b[k] = b[3 - k];
                        b[3 - k] = t;
                    }
                    how.append(" magic-flip");
                }
                return b;
            }
            case 8: { // a whole section of the other byte order spliced in (pcapng) or a nanosecond magic (pcap)
                if (l.pcapng()) {
                    final int at = boundaryOffset(l, r);
                    how.append(" section@").append(at);
                    return Mutator.insertAny(b, at, pcapng(l.bigEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN,
                        r, r.nextBoolean()));
                }
                if (b.length >= 4) {
                    Mutator.put(b, 0, 4, r.nextBoolean() ? 0xA1B23C4DL : 0xA1B2C3D4L, l.bigEndian());
                    how.append(" magic");
                }
                return b;
            }
            case 9: { // an option's length stretched (pcapng) or the link type changed (pcap)
                final List<Field> opts = new ArrayList<>();
                for (final Field f : l.fields()) {
                    if (f.what().equals("option length") || f.what().equals("linktype")) {
                        opts.add(f);
                    }
                }
                if (opts.isEmpty()) {
                    break;
                }
                final Field f = opts.get(r.nextInt(opts.size()));
                final long v = f.what().equals("linktype") ? LINK_TYPES[r.nextInt(LINK_TYPES.length)]
                    : new long[] {0, 1, 3, 4, 5, 0xfff, 0xfffc, 0xffff}[r.nextInt(8)];
                Mutator.put(b, f.offset(), f.width(), v, l.bigEndian());
                how.append(" ").append(f.what()).append('@').append(f.offset()).append('=').append(v);
                return b;
            }
            default: { // byte mutations (headers and all)
                how.append(" bytes");
                if (b.length > 0 && r.nextBoolean()) {
                    Mutator.mutateInPlace(b, 0, b.length, r);
                    return b;
                }
                return Mutator.mutate(b, 0, b.length, r, seeds.get(r.nextInt(seeds.size())), false);
            }
        }
        return b;
    }

    private static final long[] LINK_TYPES = {LinkType.NULL, LinkType.ETHERNET, LinkType.RAW, LinkType.LOOP,
        LinkType.LINUX_SLL, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL2, 0, 2, 7, 105, 127, 147, 0xffff,
        0x03ff_ffff, 0xfc00_0001L, 0xffff_ffffL};

    private static long boundary(final Field f, final Layout l, final SplittableRandom r) {
        final long cur = f.width() == 2 ? Short.toUnsignedInt(ByteBuffer.wrap(l.bytes(), f.offset(), 2)
            .order(l.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN).getShort())
            : f.width() == 4 ? Integer.toUnsignedLong(ByteBuffer.wrap(l.bytes(), f.offset(), 4)
            .order(l.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN).getInt()) : 0;
        final long rest = l.bytes().length - f.offset();
        final long[] common = {0, 1, 2, 3, 4, 7, 8, 11, 12, 13, 16, 28, 32, 0x7f, 0x80, 0xff, 0xffff, 0x10000,
            0x7fffffffL, 0x80000000L, 0xffffffffL, MAX_CAPLEN - 1, MAX_CAPLEN, MAX_CAPLEN + 1, MAX_BLOCK - 4, MAX_BLOCK,
            MAX_BLOCK + 4, (1 << 20) + 4, cur + 1, cur - 1, cur + 4, cur - 4, cur * 2, rest, rest + 1, rest - 1, rest + 4};
        if (f.width() == 8) {
            return new long[] {0, -1, 1, Long.MAX_VALUE, Long.MIN_VALUE, rest}[r.nextInt(6)];
        }
        return common[r.nextInt(common.length)];
    }

    private static int boundaryOffset(final Layout l, final SplittableRandom r) {
        if (l.blocks().isEmpty()) {
            return l.bytes().length;
        }
        final int i = r.nextInt(l.blocks().size() + 1);
        return i == l.blocks().size() ? l.bytes().length : l.blocks().get(i)[0];
    }

    private static int pickShb(final Layout l, final SplittableRandom r) {
        final List<Integer> at = new ArrayList<>();
        for (final int[] blk : l.blocks()) {
            if (blk[2] == SHB && blk[0] + 12 <= l.bytes().length) {
                at.add(blk[0]);
            }
        }
        return at.isEmpty() ? 0 : at.get(r.nextInt(at.size()));
    }

    // ---------------------------------------------------------------- layout

    /** The fields and blocks of a file, as far as they can be followed. */
    static Layout layout(final byte[] b) {
        final List<Field> fields = new ArrayList<>();
        final List<int[]> blocks = new ArrayList<>();
        if (b.length < 4) {
            return new Layout(b, false, true, fields, blocks);
        }
        final int magic = ByteBuffer.wrap(b).getInt();
        if (magic == SHB) {
            boolean be = true;
            int at = 0;
            while (at + 12 <= b.length && blocks.size() < 10_000) {
                final ByteBuffer bb = ByteBuffer.wrap(b).order(be ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                int type = bb.getInt(at);
                if (type == SHB) {
                    be = ByteBuffer.wrap(b, at + 8, 4).getInt() == 0x1A2B3C4D;
                    bb.order(be ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                }
                final int len = bb.getInt(at + 4);
                if (len < 12 || at + (long) len > b.length) {
                    break;
                }
                blocks.add(new int[] {at, len, type});
                fields.add(new Field(at, 4, "block type"));
                fields.add(new Field(at + 4, 4, "block length"));
                fields.add(new Field(at + len - 4, 4, "block trailer"));
                int opts = -1;
                switch (type) {
                    case SHB -> {
                        fields.add(new Field(at + 12, 2, "major version"));
                        fields.add(new Field(at + 16, 8, "section length"));
                        opts = at + 24;
                    }
                    case IDB -> {
                        fields.add(new Field(at + 8, 2, "linktype"));
                        fields.add(new Field(at + 12, 4, "idb snaplen"));
                        opts = at + 16;
                    }
                    case EPB, PB -> {
                        fields.add(new Field(at + 8, type == EPB ? 4 : 2, "interface id"));
                        fields.add(new Field(at + 12, 4, "timestamp high"));
                        fields.add(new Field(at + 20, 4, "captured length"));
                        fields.add(new Field(at + 24, 4, "original length"));
                        final int cap = bb.getInt(at + 20);
                        if (cap >= 0 && cap <= len - 32) {
                            opts = at + 28 + ((cap + 3) & ~3);
                        }
                    }
                    case SPB -> fields.add(new Field(at + 8, 4, "original length"));
                    case DSB -> {
                        fields.add(new Field(at + 8, 4, "secrets type"));
                        fields.add(new Field(at + 12, 4, "secrets length"));
                    }
                    default -> {
                    }
                }
                if (opts > 0) {
                    int o = opts;
                    while (o + 4 <= at + len - 4) {
                        fields.add(new Field(o, 2, "option code"));
                        fields.add(new Field(o + 2, 2, "option length"));
                        final int olen = Short.toUnsignedInt(bb.getShort(o + 2));
                        if (bb.getShort(o) == 0) {
                            break;
                        }
                        o += 4 + ((olen + 3) & ~3);
                    }
                }
                at += len;
            }
            return new Layout(b, true, be, fields, blocks);
        }
        final boolean be = magic == 0xA1B2C3D4 || magic == 0xA1B23C4D;
        if (b.length < 24) {
            return new Layout(b, false, be, fields, blocks);
        }
        final ByteBuffer bb = ByteBuffer.wrap(b).order(be ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        fields.add(new Field(0, 4, "magic"));
        fields.add(new Field(4, 2, "major version"));
        fields.add(new Field(16, 4, "snaplen"));
        fields.add(new Field(20, 4, "linktype"));
        blocks.add(new int[] {0, 24, 0});
        int at = 24;
        while (at + 16 <= b.length && blocks.size() < 10_000) {
            final int cap = bb.getInt(at + 8);
            fields.add(new Field(at, 4, "ts seconds"));
            fields.add(new Field(at + 4, 4, "ts fraction"));
            fields.add(new Field(at + 8, 4, "captured length"));
            fields.add(new Field(at + 12, 4, "original length"));
            if (cap < 0 || at + 16L + cap > b.length) {
                break;
            }
            blocks.add(new int[] {at, 16 + cap, 1});
            at += 16 + cap;
        }
        return new Layout(b, false, be, fields, blocks);
    }

    /** {@code file} cut after {@code records} records or blocks (a valid, shorter file). */
    static byte[] cut(final byte[] file, final int records) {
        final Layout l = layout(file);
        if (l.blocks().size() <= records) {
            return file;
        }
        final int[] last = l.blocks().get(records);
        return Arrays.copyOf(file, last[0] + last[1]);
    }

    // ---------------------------------------------------------------- generated files

    private byte[] frame(final SplittableRandom r) {
        return payloads.get(r.nextInt(payloads.size()));
    }

    private byte[] pcap(final ByteOrder o, final boolean nanos, final int snaplen, final int records, final SplittableRandom r) {
        final ByteBuffer b = ByteBuffer.allocate(1 << 20).order(o);
        b.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
            .putInt(snaplen).putInt(LinkType.ETHERNET);
        for (int i = 0; i < records; i++) {
            final byte[] f = frame(r);
            b.putInt(1_700_000_000 + i).putInt(nanos ? 999_999_999 : 999_999).putInt(f.length).putInt(f.length + (i % 3))
                .put(f);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /** A pcapng file of one or two sections with every block type. */
    private byte[] pcapng(final ByteOrder o, final SplittableRandom r, final boolean twoSections) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, section(o, r));
        if (twoSections) {
            write(out, section(o == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN, r));
        }
        return out.toByteArray();
    }

    private byte[] section(final ByteOrder o, final SplittableRandom r) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, block(o, SHB, body(o).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1)
            .put(option(o, 2, "x86_64")).put(option(o, 4, "callscope fuzz")).putInt(0)));
        write(out, block(o, IDB, body(o).putShort((short) LinkType.ETHERNET).putShort((short) 0).putInt(262_144)
            .put(option(o, 2, "eth0")).put(option(o, 9, new byte[] {9})).putInt(0)));
        write(out, block(o, IDB, body(o).putShort((short) LinkType.ETHERNET).putShort((short) 0).putInt(96)
            .put(option(o, 9, new byte[] {(byte) 0x94})).put(option(o, 14, ByteBuffer.allocate(8).order(o).putLong(3).array()))
            .putInt(0)));
        write(out, block(o, IDB, body(o).putShort((short) LinkType.RAW).putShort((short) 0).putInt(0)
            .put(option(o, 9, new byte[] {3})).putInt(0)));
        final byte[] keys = "CLIENT_RANDOM 00112233445566778899aabbccddeeff 0011\n".getBytes(StandardCharsets.US_ASCII);
        write(out, block(o, DSB, body(o).putInt(0x544c534b).putInt(keys.length).put(keys)));
        for (int i = 0; i < 6; i++) {
            final byte[] f = frame(r);
            final int iface = i % 2;
            final ByteBuffer epb = body(o).putInt(iface).putInt(0x0005_F000 + i).putInt(i * 1000).putInt(f.length)
                .putInt(f.length + 4).put(f).put(new byte[(4 - f.length % 4) % 4]);
            if (i % 2 == 0) {
                epb.put(option(o, 1, "comment " + i)).put(option(o, 2, new byte[] {1, 0, 0, 0})).putInt(0);
            }
            write(out, block(o, EPB, epb));
        }
        final byte[] f = frame(r);
        write(out, block(o, SPB, body(o).putInt(f.length).put(f).put(new byte[(4 - f.length % 4) % 4])));
        write(out, block(o, PB, body(o).putShort((short) 1).putShort((short) 0).putInt(0x0005_F000).putInt(7)
            .putInt(f.length).putInt(f.length).put(f).put(new byte[(4 - f.length % 4) % 4])));
        final byte[] raw = Arrays.copyOfRange(f, Math.min(14, f.length), f.length);
        write(out, block(o, EPB, body(o).putInt(2).putInt(0).putInt(1).putInt(raw.length).putInt(raw.length).put(raw)
            .put(new byte[(4 - raw.length % 4) % 4])));
        write(out, block(o, NRB, body(o).putShort((short) 1).putShort((short) 8).put(new byte[] {10, 0, 0, 1})
            .put("a.b\0".getBytes(StandardCharsets.US_ASCII)).putInt(0)));
        write(out, block(o, ISB, body(o).putInt(0).putInt(0x0005_F000).putInt(9).put(option(o, 4,
            ByteBuffer.allocate(8).order(o).putLong(12).array())).putInt(0)));
        write(out, block(o, CUSTOM, body(o).putInt(32473).put("private".getBytes(StandardCharsets.US_ASCII)).put((byte) 0)));
        write(out, block(o, 0x7777_7777, body(o).putInt(1)));
        return out.toByteArray();
    }

    /** A block to insert: DSB, unknown, custom, empty, ISB, NRB, or a lying length. */
    private byte[] extraBlock(final boolean bigEndian, final SplittableRandom r, final StringBuilder how) {
        final ByteOrder o = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        final int kind = r.nextInt(8);
        how.append(" +block").append(kind);
        return switch (kind) {
            case 0 -> block(o, DSB, body(o).putInt(0x5353484b).putInt(5).put("hello".getBytes(StandardCharsets.US_ASCII)));
            case 1 -> block(o, r.nextInt(), body(o).putLong(r.nextLong()));
            case 2 -> block(o, 0x4000_0BAD, body(o).putInt(32473));
            case 3 -> block(o, 0x1234, body(o));
            case 4 -> block(o, ISB, body(o).putInt(r.nextInt(4)).putLong(0));
            case 5 -> block(o, SHB, body(o).putInt(0x1A2B3C4D).putShort((short) (r.nextInt(3))).putShort((short) 0).putLong(-1));
            case 6 -> {
                final byte[] f = frame(r);
                yield block(o, EPB, body(o).putInt(r.nextInt(6)).putInt(0).putInt(0).putInt(f.length)
                    .putInt(r.nextInt(f.length + 10)).put(f).put(new byte[(4 - f.length % 4) % 4]));
            }
            default -> {
                final byte[] lying = block(o, NRB, body(o).putInt(0));
                Mutator.put(lying, 4, 4, new long[] {0, 8, 13, 0xfffffff0L, MAX_BLOCK + 4}[r.nextInt(5)], bigEndian);
                yield lying;
            }
        };
    }

    /** A pcap record to insert: caplen over the snaplen, origlen below caplen, empty, or lying. */
    private byte[] extraRecord(final boolean bigEndian, final SplittableRandom r, final StringBuilder how) {
        final ByteOrder o = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        final byte[] f = frame(r);
        final int kind = r.nextInt(4);
        how.append(" +record").append(kind);
        final ByteBuffer b = ByteBuffer.allocate(16 + f.length + 70_000).order(o);
        switch (kind) {
            case 0 -> b.putInt(0).putInt(0).putInt(0).putInt(0);
            case 1 -> b.putInt(-1).putInt(-1).putInt(f.length).putInt(1).put(f);
            case 2 -> { // larger than any snaplen the file declares
                final byte[] big = new byte[66_000];
                System.arraycopy(f, 0, big, 0, f.length);
                b.putInt(5).putInt(5).putInt(big.length).putInt(big.length).put(big);
            }
            default -> b.putInt(1).putInt(1_000_000_000).putInt(f.length + 100).putInt(f.length).put(f);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    private static ByteBuffer body(final ByteOrder o) {
        return ByteBuffer.allocate(1 << 17).order(o);
    }

    /** Type, length, body (padded), length. */
    static byte[] block(final ByteOrder o, final int type, final ByteBuffer body) {
        final int len = (body.position() + 3) & ~3;
        final ByteBuffer b = ByteBuffer.allocate(12 + len).order(o);
        b.putInt(type).putInt(12 + len).put(body.array(), 0, body.position());
        b.position(8 + len);
        b.putInt(12 + len);
        return b.array();
    }

    private static byte[] option(final ByteOrder o, final int code, final String v) {
        return option(o, code, v.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] option(final ByteOrder o, final int code, final byte[] v) {
        final ByteBuffer b = ByteBuffer.allocate(4 + ((v.length + 3) & ~3)).order(o);
        b.putShort((short) code).putShort((short) v.length).put(v);
        return b.array();
    }

    private static void write(final ByteArrayOutputStream out, final byte[] b) {
        out.write(b, 0, b.length);
    }

    private static byte[] concat(final byte[] a, final byte[] b) {
        final byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] gzip(final byte[] b) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

package org.x86play.acpi;

/**
 * A minimal AML encoder (ACPI 6.x chapter 20, "ACPI Machine Language Specification"): each method
 * returns the encoded bytes of one term, so definition blocks are written as nested calls, e.g.
 * {@code scope("\\_SB", device("PCI0", name("_HID", eisaId("PNP0A03"))))}.
 * Integers are 32-bit values taken as unsigned.
 */
public final class Aml {
    private Aml() {}

    // §20.2.3 Data Objects Encoding, §20.2.5 Term Objects Encoding
    static final int ZERO_OP = 0x00, ONE_OP = 0x01, NAME_OP = 0x08, BYTE_PREFIX = 0x0A, WORD_PREFIX = 0x0B,
            DWORD_PREFIX = 0x0C, STRING_PREFIX = 0x0D, SCOPE_OP = 0x10, BUFFER_OP = 0x11, PACKAGE_OP = 0x12,
            EXT_OP_PREFIX = 0x5B, DEVICE_OP = 0x82;
    // §20.2.2 Name Objects Encoding
    static final int NULL_NAME = 0x00, DUAL_NAME_PREFIX = 0x2E, MULTI_NAME_PREFIX = 0x2F, ROOT_CHAR = '\\',
            PARENT_PREFIX_CHAR = '^';

    /**
     * PkgLength (§20.2.4) for {@code contentLength} bytes following it; the encoded value counts the
     * PkgLength bytes too. One byte holds up to 63; otherwise bits 7-6 of the lead byte give the number
     * of following bytes (1-3), its bits 3-0 the low nibble, and the following bytes the higher bits.
     */
    public static byte[] pkgLength(int contentLength) {
        for (int n = 1; n <= 4; n++) {
            int total = contentLength + n;
            if (n == 1 ? total <= 0x3F : total < 1 << (4 + 8 * (n - 1))) {
                byte[] out = new byte[n];
                if (n == 1) {
                    out[0] = (byte) total;
                } else {
                    out[0] = (byte) ((n - 1) << 6 | total & 0x0F);
                    for (int i = 1; i < n; i++) out[i] = (byte) (total >>> (4 + 8 * (i - 1)));
                }
                return out;
            }
        }
        throw new IllegalArgumentException("AML package too long: " + contentLength);
    }

    /**
     * NameString (§20.2.2): an optional root ('\') or parent ('^'...) prefix, then dot-separated NameSegs
     * of 1-4 characters [A-Z_][A-Z0-9_]* padded with '_'; 2 segments use DualNamePrefix, more MultiNamePrefix.
     */
    public static byte[] nameString(String path) {
        ByteSink s = new ByteSink();
        int i = 0;
        if (path.startsWith("\\")) {
            s.u8(ROOT_CHAR);
            i = 1;
        } else {
            while (i < path.length() && path.charAt(i) == '^') {
                s.u8(PARENT_PREFIX_CHAR);
                i++;
            }
        }
        String rest = path.substring(i);
        if (rest.isEmpty()) return s.u8(NULL_NAME).toArray();
        int count = 1;
        for (int j = 0; j < rest.length(); j++) if (rest.charAt(j) == '.') count++;
        if (count == 2) s.u8(DUAL_NAME_PREFIX);
        else if (count > 2) s.u8(MULTI_NAME_PREFIX).u8(count);
        int start = 0;
        for (int j = 0; j <= rest.length(); j++) {
            if (j == rest.length() || rest.charAt(j) == '.') {
                nameSeg(s, rest.substring(start, j));
                start = j + 1;
            }
        }
        return s.toArray();
    }

    private static void nameSeg(ByteSink s, String seg) {
        if (seg.isEmpty() || seg.length() > 4) throw new IllegalArgumentException("bad NameSeg '" + seg + "'");
        for (int i = 0; i < 4; i++) {
            char c = i < seg.length() ? seg.charAt(i) : '_';
            boolean ok = c == '_' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9';
            if (!ok) throw new IllegalArgumentException("bad NameSeg '" + seg + "'");
            s.u8(c);
        }
    }

    /** An integer constant in the shortest encoding: ZeroOp, OneOp, BytePrefix, WordPrefix or DWordPrefix. */
    public static byte[] integer(int value) {
        if (value == 0) return new byte[] {ZERO_OP};
        if (value == 1) return new byte[] {ONE_OP};
        if ((value & ~0xFF) == 0) return new byte[] {BYTE_PREFIX, (byte) value};
        if ((value & ~0xFFFF) == 0) return new ByteSink().u8(WORD_PREFIX).u16(value).toArray();
        return new ByteSink().u8(DWORD_PREFIX).u32(value).toArray();
    }

    /** String constant: StringPrefix, ASCII characters (1-0x7F), NullChar. */
    public static byte[] string(String text) {
        ByteSink s = new ByteSink().u8(STRING_PREFIX);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || c > 0x7F) throw new IllegalArgumentException("non-ASCII AML string");
            s.u8(c);
        }
        return s.u8(0).toArray();
    }

    /** A compressed EISA id ("PNP0A03") as an integer, like ASL EisaId() (§19.6.35). */
    public static byte[] eisaId(String id) { return integer(eisaIdValue(id)); }

    /** Three 5-bit letters ('A' = 1) and four hex digits, stored big-endian in a little-endian DWORD. */
    public static int eisaIdValue(String id) {
        if (id.length() != 7) throw new IllegalArgumentException("EISA id must be 7 characters: " + id);
        int vendor = 0;
        for (int i = 0; i < 3; i++) {
            char c = id.charAt(i);
            if (c < 'A' || c > 'Z') throw new IllegalArgumentException("bad EISA vendor: " + id);
            vendor = vendor << 5 | (c - 0x40);
        }
        int product = Integer.parseInt(id.substring(3), 16);
        return (vendor >>> 8) | (vendor & 0xFF) << 8 | (product >>> 8) << 16 | (product & 0xFF) << 24;
    }

    /** DefName := NameOp NameString DataRefObject. */
    public static byte[] name(String name, byte[] object) {
        return new ByteSink().u8(NAME_OP).bytes(nameString(name)).bytes(object).toArray();
    }

    /** DefPackage := PackageOp PkgLength NumElements(byte) PackageElementList. */
    public static byte[] pkg(byte[]... elements) {
        if (elements.length > 255) throw new IllegalArgumentException("package too large");
        ByteSink body = new ByteSink().u8(elements.length);
        for (byte[] e : elements) body.bytes(e);
        return withPkgLength(new byte[] {PACKAGE_OP}, body.toArray());
    }

    /** A package of integers. */
    public static byte[] pkg(int... values) {
        byte[][] e = new byte[values.length][];
        for (int i = 0; i < values.length; i++) e[i] = integer(values[i]);
        return pkg(e);
    }

    /** DefBuffer := BufferOp PkgLength BufferSize(integer) ByteList. */
    public static byte[] buffer(byte[] data) {
        byte[] body = new ByteSink().bytes(integer(data.length)).bytes(data).toArray();
        return withPkgLength(new byte[] {BUFFER_OP}, body);
    }

    /** DefScope := ScopeOp PkgLength NameString TermList. */
    public static byte[] scope(String name, byte[]... terms) {
        return withPkgLength(new byte[] {SCOPE_OP}, concat(nameString(name), concat(terms)));
    }

    /** DefDevice := DeviceOp(ExtOpPrefix 0x82) PkgLength NameString TermList. */
    public static byte[] device(String name, byte[]... terms) {
        return withPkgLength(new byte[] {EXT_OP_PREFIX, (byte) DEVICE_OP}, concat(nameString(name), concat(terms)));
    }

    public static byte[] concat(byte[]... parts) {
        ByteSink s = new ByteSink();
        for (byte[] p : parts) s.bytes(p);
        return s.toArray();
    }

    private static byte[] withPkgLength(byte[] opcode, byte[] body) {
        return concat(opcode, pkgLength(body.length), body);
    }
}

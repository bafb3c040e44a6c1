package org.x86play.acpi;

/** The 36-byte System Description Table header (ACPI 6.x §5.2.6) and checksums (§5.2.5.3, §5.2.6). */
final class Sdt {
    static final int HEADER_SIZE = 36, LENGTH_OFFSET = 4, CHECKSUM_OFFSET = 9;
    static final String OEM_ID = "X86PLY", OEM_TABLE_ID = "X86PLAY", CREATOR_ID = "XPLY";
    static final int OEM_REVISION = 1, CREATOR_REVISION = 1;

    private Sdt() {}

    /** Starts a table: signature, length and checksum (filled by {@link #seal}), revision, OEM and creator ids. */
    static ByteSink begin(String signature, int revision) {
        ByteSink s = new ByteSink();
        s.ascii(signature, 4).u32(0).u8(revision).u8(0);
        s.ascii(OEM_ID, 6).ascii(OEM_TABLE_ID, 8).u32(OEM_REVISION);
        s.ascii(CREATOR_ID, 4).u32(CREATOR_REVISION);
        return s;
    }

    /** Fills in the length and makes all bytes of the table sum to zero. */
    static byte[] seal(ByteSink s) {
        s.set32(LENGTH_OFFSET, s.size());
        byte[] t = s.toArray();
        t[CHECKSUM_OFFSET] = (byte) -sum(t, 0, t.length);
        return t;
    }

    /** Byte sum modulo 256. */
    static int sum(byte[] b, int offset, int length) {
        int sum = 0;
        for (int i = 0; i < length; i++) sum += b[offset + i];
        return sum & 0xFF;
    }
}

package org.x86play.acpi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: an independent decoder for the AML subset the DSDT uses (Name, Scope, Device, Package,
 * Buffer, String, integer constants), written from ACPI 6.x chapter 20. It fails on anything else,
 * and checks that every PkgLength ends exactly where its contents end.
 * Names map absolute paths ("\\_SB_.PCI0._HID") to Long, String, byte[] or List values.
 */
final class AmlReader {
    final Map<String, Object> names = new LinkedHashMap<>();
    private final byte[] b;
    private int pos;

    private AmlReader(byte[] b) { this.b = b; }

    static AmlReader parse(byte[] termList) {
        AmlReader r = new AmlReader(termList);
        r.termList(termList.length, "\\");
        return r;
    }

    /** Decodes a PkgLength at {@code at}: {value, encodedSize}. */
    static int[] pkgLength(byte[] b, int at) {
        int lead = b[at] & 0xFF, follow = lead >>> 6;
        if (follow == 0) return new int[] {lead & 0x3F, 1};
        if ((lead & 0x30) != 0) throw new IllegalStateException("PkgLength reserved bits set");
        int v = lead & 0x0F;
        for (int i = 0; i < follow; i++) v |= (b[at + 1 + i] & 0xFF) << (4 + 8 * i);
        return new int[] {v, 1 + follow};
    }

    private int u8() { return b[pos++] & 0xFF; }

    /** Reads a PkgLength; returns the end position of the package. */
    private int pkgEnd() {
        int start = pos;
        int[] pl = pkgLength(b, pos);
        pos += pl[1];
        return start + pl[0];
    }

    private void termList(int end, String scope) {
        while (pos < end) {
            int op = u8();
            if (op == Aml.NAME_OP) {
                String n = resolve(scope, nameString());
                if (names.put(n, dataObject()) != null) throw new IllegalStateException("duplicate " + n);
            } else if (op == Aml.SCOPE_OP) {
                int e = pkgEnd();
                termList(e, resolve(scope, nameString()));
                expectAt(e);
            } else if (op == Aml.EXT_OP_PREFIX && u8() == Aml.DEVICE_OP) {
                int e = pkgEnd();
                String n = resolve(scope, nameString());
                names.put(n, "Device");
                termList(e, n);
                expectAt(e);
            } else {
                throw new IllegalStateException("unexpected opcode " + Integer.toHexString(op) + " at " + (pos - 1));
            }
        }
        if (pos != end) throw new IllegalStateException("term list overran its package");
    }

    private void expectAt(int end) {
        if (pos != end) throw new IllegalStateException("package ends at " + pos + ", PkgLength says " + end);
    }

    Object dataObject() {
        int op = u8();
        switch (op) {
            case Aml.ZERO_OP: return 0L;
            case Aml.ONE_OP: return 1L;
            case 0xFF: return 0xFFFFFFFFFFFFFFFFL;
            case Aml.BYTE_PREFIX: return (long) u8();
            case Aml.WORD_PREFIX: return (long) (u8() | u8() << 8);
            case Aml.DWORD_PREFIX: return (u8() | u8() << 8 | u8() << 16 | (long) u8() << 24);
            case Aml.STRING_PREFIX: {
                StringBuilder sb = new StringBuilder();
                for (int c = u8(); c != 0; c = u8()) sb.append((char) c);
                return sb.toString();
            }
            case Aml.PACKAGE_OP: {
                int e = pkgEnd();
                int count = u8();
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < count; i++) list.add(dataObject());
                expectAt(e);
                return list;
            }
            case Aml.BUFFER_OP: {
                int e = pkgEnd();
                int size = (int) (long) (Long) dataObject();
                if (e - pos != size) throw new IllegalStateException("buffer size " + size + " vs " + (e - pos));
                byte[] data = java.util.Arrays.copyOfRange(b, pos, e);
                pos = e;
                return data;
            }
            default: throw new IllegalStateException("unexpected data opcode " + Integer.toHexString(op));
        }
    }

    /** NameString as text: prefix chars then dot-separated 4-char segments. */
    private String nameString() {
        StringBuilder sb = new StringBuilder();
        while (b[pos] == '\\' || b[pos] == '^') sb.append((char) u8());
        int count;
        int first = b[pos] & 0xFF;
        if (first == Aml.NULL_NAME) { pos++; return sb.toString(); }
        if (first == Aml.DUAL_NAME_PREFIX) { pos++; count = 2; }
        else if (first == Aml.MULTI_NAME_PREFIX) { pos++; count = u8(); }
        else count = 1;
        for (int i = 0; i < count; i++) {
            if (i > 0) sb.append('.');
            for (int j = 0; j < 4; j++) sb.append((char) u8());
        }
        return sb.toString();
    }

    private static String resolve(String scope, String name) {
        if (name.startsWith("\\")) return name;
        if (name.startsWith("^")) throw new IllegalStateException("parent prefix not supported here");
        return scope.equals("\\") ? "\\" + name : scope + "." + name;
    }
}

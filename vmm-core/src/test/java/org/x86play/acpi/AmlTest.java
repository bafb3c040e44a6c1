package org.x86play.acpi;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Encodings hand-checked against the ACPI 6.x §20.2 grammar. */
class AmlTest {
    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    @Test
    void pkgLengthUsesOneByteUpTo63ThenLeadNibblePlusFollowingBytes() {
        assertArrayEquals(bytes(0x01), Aml.pkgLength(0));
        assertArrayEquals(bytes(0x3F), Aml.pkgLength(62));          // 62 + 1 = 63: the one-byte limit
        assertArrayEquals(bytes(0x41, 0x04), Aml.pkgLength(63));    // 63 + 2 = 0x041
        assertArrayEquals(bytes(0x4F, 0xFF), Aml.pkgLength(4093));  // 0xFFF: the two-byte limit
        assertArrayEquals(bytes(0x81, 0x00, 0x01), Aml.pkgLength(4094)); // 4094 + 3 = 0x1001
        assertArrayEquals(bytes(0x8F, 0xFF, 0xFF), Aml.pkgLength((1 << 20) - 4));
        assertArrayEquals(bytes(0xC3, 0x00, 0x00, 0x01), Aml.pkgLength((1 << 20) - 1)); // 0x100003
        assertThrows(IllegalArgumentException.class, () -> Aml.pkgLength(1 << 28));
    }

    @Test
    void pkgLengthValueCountsItsOwnBytes() {
        for (int content = 0; content < 70_000; content += content < 5000 ? 1 : 97) {
            byte[] enc = Aml.pkgLength(content);
            int[] dec = AmlReader.pkgLength(enc, 0);
            assertEquals(enc.length, dec[1]);
            assertEquals(content + enc.length, dec[0], "content " + content);
        }
    }

    @Test
    void nameStrings() {
        assertArrayEquals(bytes('\\', '_', 'S', '5', '_'), Aml.nameString("\\_S5"));
        assertArrayEquals(bytes('P', 'C', 'I', '0'), Aml.nameString("PCI0"));
        assertArrayEquals(bytes(0x2E, '_', 'S', 'B', '_', 'P', 'C', 'I', '0'), Aml.nameString("_SB.PCI0"));
        assertArrayEquals(bytes('\\', 0x2F, 3, '_', 'S', 'B', '_', 'P', 'C', 'I', '0', 'I', 'S', 'A', '_'),
                Aml.nameString("\\_SB.PCI0.ISA"));
        assertArrayEquals(bytes('^', '^', 'F', 'O', 'O', '_'), Aml.nameString("^^FOO"));
        assertArrayEquals(bytes('\\', 0x00), Aml.nameString("\\"));
        assertThrows(IllegalArgumentException.class, () -> Aml.nameString("pci0"));
        assertThrows(IllegalArgumentException.class, () -> Aml.nameString("1ABC"));
        assertThrows(IllegalArgumentException.class, () -> Aml.nameString("ABCDE"));
        assertThrows(IllegalArgumentException.class, () -> Aml.nameString("\\_SB..X"));
    }

    @Test
    void integersUseTheShortestEncoding() {
        assertArrayEquals(bytes(0x00), Aml.integer(0));
        assertArrayEquals(bytes(0x01), Aml.integer(1));
        assertArrayEquals(bytes(0x0A, 0x05), Aml.integer(5));
        assertArrayEquals(bytes(0x0A, 0xFF), Aml.integer(0xFF));
        assertArrayEquals(bytes(0x0B, 0x00, 0x01), Aml.integer(0x100));
        assertArrayEquals(bytes(0x0C, 0x45, 0x23, 0x01, 0x00), Aml.integer(0x12345));
        assertArrayEquals(bytes(0x0C, 0xFF, 0xFF, 0xFF, 0xFF), Aml.integer(-1));
    }

    @Test
    void stringsAndEisaIds() {
        assertArrayEquals(bytes(0x0D, 'A', 'B', 0), Aml.string("AB"));
        assertEquals(0x030AD041, Aml.eisaIdValue("PNP0A03")); // bytes 41 D0 0A 03
        assertEquals(0x0F0CD041, Aml.eisaIdValue("PNP0C0F"));
        assertEquals(0x0301D041, Aml.eisaIdValue("PNP0103"));
        assertArrayEquals(bytes(0x0C, 0x41, 0xD0, 0x0A, 0x03), Aml.eisaId("PNP0A03"));
        assertThrows(IllegalArgumentException.class, () -> Aml.eisaIdValue("pnp0a03"));
    }

    @Test
    void s5NameIsNameOpRootPathPackageOfFourBytes() {
        // NameOp '\_S5_' PackageOp PkgLength(8) NumElements(4) BytePrefix 5, BytePrefix 5, ZeroOp, ZeroOp
        assertArrayEquals(bytes(0x08, 0x5C, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x08, 0x04, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00),
                Aml.name("\\_S5", Aml.pkg(5, 5, 0, 0)));
    }

    @Test
    void deviceScopeAndBuffer() {
        // ExtOpPrefix DeviceOp PkgLength(11) 'PCI0' NameOp '_ADR' ZeroOp
        assertArrayEquals(bytes(0x5B, 0x82, 0x0B, 'P', 'C', 'I', '0', 0x08, '_', 'A', 'D', 'R', 0x00),
                Aml.device("PCI0", Aml.name("_ADR", Aml.integer(0))));
        // ScopeOp PkgLength(6) '\_SB_' (empty TermList)
        assertArrayEquals(bytes(0x10, 0x06, '\\', '_', 'S', 'B', '_'), Aml.scope("\\_SB"));
        // BufferOp PkgLength(6) BytePrefix 3, bytes
        assertArrayEquals(bytes(0x11, 0x06, 0x0A, 0x03, 1, 2, 3), Aml.buffer(bytes(1, 2, 3)));
    }

    @Test
    void nestedLongBodiesDecodeBackToTheSameNames() {
        byte[][] names = new byte[40][];
        for (int i = 0; i < names.length; i++) names[i] = Aml.name(String.format("N%03d", i), Aml.integer(i * 1000));
        byte[] aml = Aml.scope("\\_SB", Aml.device("DEV0", names), Aml.name("STR_", Aml.string("hello")));
        assertTrue(aml[1] >>> 6 != 0, "a multi-byte PkgLength is exercised");
        AmlReader r = AmlReader.parse(aml);
        assertEquals("Device", r.names.get("\\_SB_.DEV0"));
        assertEquals(39_000L, r.names.get("\\_SB_.DEV0.N039"));
        assertEquals("hello", r.names.get("\\_SB_.STR_"));
        assertEquals(List.of(1L, 300L, 70000L), AmlReader.parse(Aml.name("X", Aml.pkg(1, 300, 70000))).names.get("\\X___"));
    }
}

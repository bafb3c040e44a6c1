package org.x86play.acpi;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.x86play.devices.acpi.AcpiPm;

/** The DSDT's definition block, decoded by the independent {@link AmlReader}. */
class AcpiDsdtTest {
    final AcpiConfig cfg = new AcpiConfig();

    static int u16(byte[] b, int at) { return b[at] & 0xFF | (b[at + 1] & 0xFF) << 8; }

    static int u32(byte[] b, int at) { return u16(b, at) | u16(b, at + 2) << 16; }

    @Test
    void sleepPackagesNameTheDevicesSlpTypValues() {
        AmlReader r = AmlReader.parse(Dsdt.body(cfg));
        long off = AcpiPm.SLP_TYP_SOFT_OFF, on = AcpiPm.SLP_TYP_S0;
        assertEquals(List.of(off, off, 0L, 0L), r.names.get("\\_S5_"));
        assertEquals(List.of(on, on, 0L, 0L), r.names.get("\\_S0_"));
    }

    @Test
    void pciRootBridgeDevice() {
        AmlReader r = AmlReader.parse(Dsdt.body(cfg));
        assertEquals("Device", r.names.get("\\_SB_.PCI0"));
        assertEquals(0x030AD041L, r.names.get("\\_SB_.PCI0._HID"));
        assertEquals(0L, r.names.get("\\_SB_.PCI0._ADR"));
        assertEquals(0L, r.names.get("\\_SB_.PCI0._UID"));
        assertInstanceOf(byte[].class, r.names.get("\\_SB_.PCI0._CRS"));
        assertEquals(7, r.names.size());
    }

    @Test
    void withoutPciOnlySleepStates() {
        cfg.pciRootBridge = false;
        assertEquals(List.of("\\_S0_", "\\_S5_"), new ArrayList<>(AmlReader.parse(Dsdt.body(cfg)).names.keySet()));
    }

    /** {type, min, max} of each window; type 'B' bus, 'I' I/O, 'M' memory; 'C' a consumed I/O range. */
    static List<long[]> descriptors(byte[] crs) {
        List<long[]> out = new ArrayList<>();
        int p = 0;
        while (true) {
            int tag = crs[p] & 0xFF;
            if (tag == 0x79) {                                   // End Tag (§6.4.2.9)
                assertEquals(p + 2, crs.length, "End Tag is last");
                return out;
            } else if (tag == 0x47) {                            // I/O port (§6.4.2.5)
                assertEquals(u16(crs, p + 2), u16(crs, p + 4), "fixed base");
                out.add(new long[] {'C', u16(crs, p + 2), u16(crs, p + 2) + (crs[p + 7] & 0xFF) - 1});
                p += 8;
            } else if (tag == 0x88) {                            // Word address space (§6.4.3.5.3)
                assertEquals(13, u16(crs, p + 1));
                int min = u16(crs, p + 8), max = u16(crs, p + 10);
                assertEquals(max - min + 1, u16(crs, p + 14), "_LEN");
                assertEquals(0x0C, crs[p + 4], "producer, MinFixed, MaxFixed, PosDecode");
                out.add(new long[] {crs[p + 3] == 2 ? 'B' : crs[p + 3] == 1 ? 'I' : '?', min, max});
                p += 16;
            } else if (tag == 0x87) {                            // DWord address space (§6.4.3.5.2)
                assertEquals(23, u16(crs, p + 1));
                assertEquals(0, crs[p + 3], "memory");
                long min = u32(crs, p + 10) & 0xFFFFFFFFL, max = u32(crs, p + 14) & 0xFFFFFFFFL;
                assertEquals(max - min + 1, u32(crs, p + 22) & 0xFFFFFFFFL, "_LEN");
                out.add(new long[] {'M', min, max});
                p += 26;
            } else {
                fail("unexpected descriptor " + Integer.toHexString(tag));
            }
        }
    }

    @Test
    void crsCoversAllPortsExceptConfigMechanismAndTheConfiguredMemory() {
        cfg.pciMemoryBase = 0xC0000000;
        byte[] crs = (byte[]) AmlReader.parse(Dsdt.body(cfg)).names.get("\\_SB_.PCI0._CRS");
        List<long[]> d = descriptors(crs);
        assertArrayEquals(new long[] {'B', 0, 0xFF}, d.get(0));
        boolean[] port = new boolean[0x10000];
        int consumed = 0;
        for (long[] w : d) {
            if (w[0] == 'I') for (long p = w[1]; p <= w[2]; p++) { assertFalse(port[(int) p]); port[(int) p] = true; }
            if (w[0] == 'C') consumed += w[2] - w[1] + 1;
        }
        for (int p = 0; p < 0x10000; p++) assertEquals(p < 0xCF8 || p > 0xCFF, port[p], "port " + p);
        assertEquals(8, consumed);
        assertArrayEquals(new long[] {'M', 0xA0000, 0xBFFFF}, d.get(d.size() - 2));
        assertArrayEquals(new long[] {'M', 0xC0000000L, 0xFEBFFFFFL}, d.get(d.size() - 1));
    }
}

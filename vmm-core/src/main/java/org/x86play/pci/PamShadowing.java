package org.x86play.pci;

import org.x86play.memory.PhysicalMemory;

/**
 * The 82441FX Programmable Attribute Map (PAM0..PAM6, config 0x59..0x5F): for each segment of the legacy
 * BIOS area 0xC0000..0xFFFFF it selects whether reads and writes go to DRAM or to the PCI/firmware side
 * (82441FX datasheet §3.2.18). Firmware boots from the ROM, switches the area to read/write RAM, copies itself
 * there (so its data segment becomes writable), and later makes it read-only again.
 * <p>
 * Per 2-bit field: bit 0 RE (reads from DRAM), bit 1 WE (writes to DRAM). RE+WE maps the RAM; RE alone maps
 * it read-only; neither restores what the firmware side showed when this object was built (the BIOS alias,
 * or RAM on a firmware-less boot). WE alone (reads from ROM, writes to RAM) cannot be expressed in the page
 * map and is treated like neither (reads correct, writes lost); SeaBIOS does not use it.
 */
final class PamShadowing {
    static final int PAM0 = 0x59, REGISTERS = 7;
    private static final int AREA = 0xC0000, AREA_PAGES = 64;

    private final PhysicalMemory memory;
    private final int[] firmwareSide;
    /** Current 2-bit attribute of each of the 13 segments (12 x 16 KiB from 0xC0000, then 64 KiB at 0xF0000). */
    private final int[] attr = new int[13];

    PamShadowing(PhysicalMemory memory) {
        this.memory = memory;
        this.firmwareSide = memory.saveMapping(AREA, AREA_PAGES);
    }

    /** Applies the seven PAM register values (index 0 = PAM0 at 0x59). */
    void apply(int[] pam) {
        for (int seg = 0; seg < attr.length; seg++) {
            int a;
            if (seg == 12) a = (pam[0] >> 4) & 3;                       // PAM0[5:4]: 0xF0000..0xFFFFF
            else a = (pam[1 + (seg >> 1)] >> ((seg & 1) * 4)) & 3;       // PAM1..6: two 16 KiB segments each
            if (a == attr[seg]) continue;
            attr[seg] = a;
            int base = seg == 12 ? 0xF0000 : AREA + seg * 0x4000;
            int size = seg == 12 ? 0x10000 : 0x4000;
            if (a == 3) {
                memory.unmap(base, size);
            } else if (a == 1) {
                memory.mapRamReadOnly(base, size);
            } else {
                int first = (base - AREA) >>> PhysicalMemory.PAGE_SHIFT;
                int[] part = java.util.Arrays.copyOfRange(firmwareSide, first, first + (size >>> PhysicalMemory.PAGE_SHIFT));
                memory.restoreMapping(base, part);
            }
        }
    }
}

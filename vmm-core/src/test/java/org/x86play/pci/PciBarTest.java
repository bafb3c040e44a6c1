package org.x86play.pci;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

class PciBarTest {
    static final int SLOT = 4;
    final IoBus io = new IoBus();
    final PhysicalMemory memory = new PhysicalMemory(1 << 20);
    final PciPlatform pci = PciPlatform.create(io, memory, null);
    PciTestDevice dev;

    @BeforeEach
    void plug() {
        dev = new PciTestDevice(io, memory);
        pci.bus.plug(SLOT, 0, dev);
    }

    int cfg(int reg) {
        io.out(0xCF8, 4, 0x80000000 | SLOT << 11 | reg);
        return io.in(0xCFC, 4);
    }

    void setCfg(int reg, int value) {
        io.out(0xCF8, 4, 0x80000000 | SLOT << 11 | reg);
        io.out(0xCFC, 4, value);
    }

    void setCommand(int value) {
        io.out(0xCF8, 4, 0x80000000 | SLOT << 11 | 0x04);
        io.out(0xCFC, 2, value);
    }

    /** The sizing dance of PCI 3.0 §6.2.5.1: save, write all-ones, read the mask, restore. */
    int sizeMask(int reg) {
        int saved = cfg(reg);
        setCfg(reg, -1);
        int mask = cfg(reg);
        setCfg(reg, saved);
        assertEquals(saved, cfg(reg), "restored");
        return mask;
    }

    @Test
    void sizingReturnsSizeMaskAndTypeBits() {
        assertEquals(0x00000001, cfg(0x10), "I/O BAR reads back bit 0 = 1");
        assertEquals(0xFFFFFFE1, sizeMask(0x10), "32-port I/O BAR");
        assertEquals(0xFFFFF000, sizeMask(0x14), "4 KiB 32-bit memory BAR");
        assertEquals(0x0000000C, cfg(0x18), "64-bit prefetchable type bits");
        assertEquals(0xFFFF000C, sizeMask(0x18), "64 KiB, low half");
        assertEquals(0xFFFFFFFF, sizeMask(0x1C), "upper half is all address");
        assertEquals(0, sizeMask(0x20), "unimplemented BARs are hardwired 0");
        assertEquals(0, sizeMask(0x24));
        assertEquals(0, dev.moves, "decoding was off throughout");
    }

    @Test
    void ioBarMapsWhenIoDecodeEnabledAndUnmapsWhenDisabledOrMoved() {
        setCfg(0x10, 0xC000);
        assertEquals(0xC001, cfg(0x10));
        assertEquals(0xFF, io.in(0xC004, 1), "not decoded while command bit 0 is clear");
        setCommand(PciDevice.CMD_IO);
        assertEquals(0xC000, dev.barAddress(0));
        io.out(0xC004, 4, 0xCAFE);
        assertEquals(0xCAFE, dev.ioRegs[4], "handler sees offset 4");
        assertEquals(0xCAFE, io.in(0xC004, 4));
        assertEquals(0, dev.barAddress(1), "memory decode still off");

        setCfg(0x10, 0xD020);
        assertEquals(0xFF, io.in(0xC004, 1), "old window removed");
        assertEquals(0xCAFE, io.in(0xD024, 4), "new window");
        assertEquals(0, dev.lastMovedBar);
        assertEquals(0xC000, dev.lastOld);
        assertEquals(0xD020, dev.lastNew);

        setCfg(0x10, -1); // sizing with decode on: never mapped at the all-ones pattern
        assertEquals(0, dev.barAddress(0));
        assertEquals(0xFF, io.in(0xFFE0, 1));
        assertEquals(0xFF, io.in(0xD024, 1));
        setCfg(0x10, 0xD020);
        setCommand(0);
        assertEquals(0xFF, io.in(0xD024, 1), "I/O decode disabled");
        assertEquals(0, dev.lastNew);
    }

    @Test
    void mmioBarMapsWhenMemoryDecodeEnabled() {
        int base = 0xFEB00000;
        setCfg(0x14, base);
        setCommand(PciDevice.CMD_MEMORY);
        assertEquals(base, dev.barAddress(1));
        memory.write32(base + 8, 0x12345678);
        assertEquals(0x12345678, dev.mmioRegs[2]);
        assertEquals(0x12345678, memory.read32(base + 8));
        assertEquals(0, dev.barAddress(0), "I/O decode still off");

        setCfg(0x14, -1); // sizing with memory decode on
        assertEquals(0, dev.barAddress(1), "never decoded at the all-ones pattern");
        assertEquals(-1, memory.read32(0xFFFFF000), "nothing mapped at the top page");
        setCfg(0x14, base);
        assertEquals(0x12345678, memory.read32(base + 8));
        setCommand(0);
        assertEquals(-1, memory.read32(base + 8), "unmapped: nobody answers");
        setCommand(PciDevice.CMD_MEMORY);
        setCfg(0x14, 0);
        assertEquals(0, dev.barAddress(1), "address 0 is never decoded");
        setCfg(0x14, 0x80000);
        memory.write32(0x80000, 7);
        assertEquals(7, dev.mmioRegs[0], "BAR over RAM hides it");
        setCfg(0x14, base);
        memory.write32(0x80000, 9);
        assertEquals(9, memory.read32(0x80000), "RAM shows through again after the move");
        assertEquals(7, dev.mmioRegs[0]);
    }

    @Test
    void sixtyFourBitBarDecodesOnlyBelow4GiB() {
        setCommand(PciDevice.CMD_MEMORY);
        setCfg(0x18, 0xE0000000);
        assertEquals(0xE0000000, dev.barAddress(2));
        setCfg(0x1C, 1);
        assertEquals(0, dev.barAddress(2), "above 4 GiB: outside this machine's physical space");
        setCfg(0x1C, 0);
        assertEquals(0xE0000000, dev.barAddress(2));
        assertEquals(0xE000000C, cfg(0x18));
    }

    @Test
    void unplugRemovesWindows() {
        setCfg(0x10, 0xC000);
        setCommand(PciDevice.CMD_IO);
        io.out(0xC000, 1, 0x5A);
        assertEquals(0x5A, io.in(0xC000, 1));
        assertSame(dev, pci.bus.unplug(PciBus.devfn(SLOT, 0)));
        assertEquals(0xFF, io.in(0xC000, 1));
        assertEquals(-1, cfg(0));
        pci.bus.plug(SLOT, 0, dev);
        assertEquals(0x5A, io.in(0xC000, 1), "re-plugged with decode on: mapped again");
    }

    @Test
    void barDefinitionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new PciDevice(1, 2, 0, 0) {{ defineBar(0, BAR_IO, 512, null); }});
        assertThrows(IllegalArgumentException.class, () -> new PciDevice(1, 2, 0, 0) {{ defineBar(0, BAR_MEM32, 24, null); }});
        assertThrows(IllegalArgumentException.class, () -> new PciDevice(1, 2, 0, 0) {{ defineBar(5, BAR_MEM64, 4096, null); }});
        assertThrows(IllegalArgumentException.class, () -> new PciDevice(1, 2, 0, 0) {{
            defineBar(0, BAR_MEM64, 4096, null);
            defineBar(1, BAR_IO, 16, null);
        }});
        assertThrows(IllegalArgumentException.class, () -> BarRegion.memory(memory, 256,
                new org.x86play.memory.MmioHandler() {
                    @Override public int read(int offset, int size) { return 0; }
                    @Override public void write(int offset, int size, int value) {}
                }));
    }
}

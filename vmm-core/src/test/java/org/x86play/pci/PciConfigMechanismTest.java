package org.x86play.pci;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

class PciConfigMechanismTest {
    final IoBus io = new IoBus();
    final PhysicalMemory memory = new PhysicalMemory(1 << 20);
    final PciPlatform pci = PciPlatform.create(io, memory, null);

    static int address(int bus, int slot, int fn, int reg) { return 0x80000000 | bus << 16 | slot << 11 | fn << 8 | reg; }

    int read32(int bus, int slot, int fn, int reg) {
        io.out(0xCF8, 4, address(bus, slot, fn, reg));
        return io.in(0xCFC, 4);
    }

    @Test
    void osStyleEnumerationFindsHostAndIsaBridge() {
        StringBuilder found = new StringBuilder();
        for (int slot = 0; slot < 32; slot++) {
            int id = read32(0, slot, 0, 0);
            if ((id & 0xFFFF) == 0xFFFF) continue;
            found.append(String.format("%02x.0 %08x class %06x hdr %02x;", slot, id,
                    read32(0, slot, 0, 8) >>> 8, (read32(0, slot, 0, 0x0C) >>> 16) & 0xFF));
            if ((read32(0, slot, 0, 0x0C) >>> 16 & 0x80) != 0) {
                for (int fn = 1; fn < 8; fn++) assertEquals(-1, read32(0, slot, fn, 0), "absent function " + fn);
            }
        }
        assertEquals("00.0 12378086 class 060000 hdr 00;01.0 70008086 class 060100 hdr 80;", found.toString());
    }

    @Test
    void absentSlotsAndOtherBusesReadAllOnes() {
        assertEquals(0xFFFF, io.in(0xCFC, 2) & 0xFFFF, "with enable clear CONFIG_DATA is not decoded");
        io.out(0xCF8, 4, address(0, 5, 0, 0));
        assertEquals(0xFFFF, io.in(0xCFC, 2));
        assertEquals(-1, io.in(0xCFC, 4));
        assertEquals(-1, read32(1, 0, 0, 0), "bus 1 does not exist");
        io.out(0xCF8, 4, address(0, 0, 0, 0) & 0x7FFFFFFF);
        assertEquals(-1, io.in(0xCFC, 4), "enable bit clear");
    }

    @Test
    void configAddressLatchesOnlyDwordAccesses() {
        io.out(0xCF8, 4, 0x8000_0805 | 0x7F00_0000);
        assertEquals(0x8000_0804, io.in(0xCF8, 4), "reserved bits 30:24 and 1:0 read 0");
        io.out(0xCF8, 2, 0x1234);
        io.out(0xCFA, 2, 0x5678);
        io.out(0xCFB, 1, 0x01); // Linux's type 1 probe pokes this byte
        assertEquals(0x8000_0804, io.in(0xCF8, 4));
        assertEquals(0xFFFF, io.in(0xCF8, 2), "word reads of 0xCF8 are ordinary I/O");
        assertEquals(0, io.in(0xCF9, 1), "0xCF9 byte is the PIIX3 reset control register");
    }

    @Test
    void byteAndWordAccessesUseTheLowAddressBits() {
        io.out(0xCF8, 4, address(0, 1, 0, 0));
        assertEquals(0x8086, io.in(0xCFC, 2));
        assertEquals(0x7000, io.in(0xCFE, 2));
        assertEquals(0x86, io.in(0xCFC, 1));
        assertEquals(0x80, io.in(0xCFD, 1));
        assertEquals(0x70, io.in(0xCFF, 1));
        io.out(0xCF8, 4, address(0, 1, 0, 0x08));
        assertEquals(0x06, io.in(0xCFF, 1), "base class");
        assertEquals(0x01, io.in(0xCFE, 1), "sub-class");
        io.out(0xCF8, 4, address(0, 1, 0, 0x0C));
        assertEquals(0x80, io.in(0xCFE, 1), "header type multi-function");
        io.out(0xCF8, 4, address(0, 1, 0, 0x3C));
        io.out(0xCFC, 1, 0x0B);
        assertEquals(0x0B, io.in(0xCFC, 1), "interrupt line is writable");
        assertEquals(0xFF00, io.in(0xCFF, 2), "max latency 0; the lane beyond 0xCFF is not part of the cycle");
    }

    @Test
    void readOnlyFieldsIgnoreWrites() {
        io.out(0xCF8, 4, address(0, 0, 0, 0));
        io.out(0xCFC, 4, 0x12345678);
        assertEquals(0x12378086, io.in(0xCFC, 4));
        io.out(0xCF8, 4, address(0, 0, 0, 0x08));
        io.out(0xCFC, 4, 0);
        assertEquals(0x06000002, io.in(0xCFC, 4), "class and revision");
        io.out(0xCF8, 4, address(0, 1, 0, 0x0C));
        io.out(0xCFE, 1, 0x00);
        assertEquals(0x80, io.in(0xCFE, 1), "header type");
    }

    @Test
    void statusErrorBitsAreWriteOneToClear() {
        PciTestDevice d = new PciTestDevice(io, memory);
        pci.bus.plug(3, 0, d);
        d.set16(PciDevice.STATUS, d.get16(PciDevice.STATUS) | 0x2000 | 0x0100); // master abort, parity
        io.out(0xCF8, 4, address(0, 3, 0, 0x04));
        assertEquals(0x2110, io.in(0xCFE, 2), "capability list bit 4 plus the two error bits");
        io.out(0xCFE, 2, 0x2000);
        assertEquals(0x0110, io.in(0xCFE, 2), "only the bit written as 1 cleared");
        io.out(0xCFE, 2, 0x0010);
        assertEquals(0x0110, io.in(0xCFE, 2), "capability list bit is read-only");
        io.out(0xCFC, 2, 0xFFFF);
        assertEquals(0x0547, io.in(0xCFC, 2), "command: only implemented bits stick");
    }

    @Test
    void resetControlRequestsReset() {
        int[] resets = new int[1];
        IoBus io2 = new IoBus();
        new PciPlatform(io2, memory, null, () -> resets[0]++);
        io2.out(0xCF9, 1, 0x02);
        assertEquals(0, resets[0]);
        assertEquals(0x02, io2.in(0xCF9, 1));
        io2.out(0xCF9, 1, 0x06);
        assertEquals(1, resets[0], "bit 2 rising starts the reset");
        io2.out(0xCF8, 4, 0x80000000);
        assertEquals(0x80000000, io2.in(0xCF8, 4), "dword at 0xCF8 is still CONFIG_ADDRESS");
        assertEquals(1, resets[0]);
    }
}

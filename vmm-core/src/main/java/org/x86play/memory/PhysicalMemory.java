package org.x86play.memory;

/**
 * The physical address space: RAM, ROM and MMIO windows, with the A20 gate.
 * OWNER: mmu helper. Placeholder: flat RAM only.
 */
public final class PhysicalMemory {
    private final byte[] ram;

    public PhysicalMemory(int ramBytes) {
        ram = new byte[ramBytes];
    }

    public int ramSize() { return ram.length; }

    public int read8(int a) { return (a >= 0 && a < ram.length) ? ram[a] & 0xFF : 0xFF; }
    public int read16(int a) { return read8(a) | read8(a + 1) << 8; }
    public int read32(int a) { return read16(a) | read16(a + 2) << 16; }
    public void write8(int a, int v) { if (a >= 0 && a < ram.length) ram[a] = (byte) v; }
    public void write16(int a, int v) { write8(a, v); write8(a + 1, v >> 8); }
    public void write32(int a, int v) { write16(a, v); write16(a + 2, v >> 16); }

    /** Copies bytes into RAM (loaders). */
    public void load(int address, byte[] data, int offset, int length) {
        System.arraycopy(data, offset, ram, address, length);
    }

    /** Maps a read-only image at {@code base} (BIOS ROM and its alias below 1 MiB). */
    public void mapRom(int base, byte[] image) {}

    public void mapMmio(int base, int size, MmioHandler handler) {}

    public void setA20(boolean enabled) {}
}

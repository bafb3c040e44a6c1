package org.x86play.pci;

import org.x86play.io.IoBus;
import org.x86play.io.IoPortHandler;
import org.x86play.memory.MmioHandler;
import org.x86play.memory.PhysicalMemory;

/**
 * The register window behind one BAR: registers the device's handler at the address the BAR decodes and
 * removes it when decoding stops or the BAR moves. Address 0 means "not decoding" (PCI 3.0 §6.2.5.1: 0 is
 * never a valid assignment), so {@code moveTo(0)} unmaps.
 * <p>
 * Both kinds of handler see offsets from the BAR base: the I/O handler gets {@code port - base}, like
 * {@link MmioHandler} does. Memory windows must be at least one 4 KiB page because {@link PhysicalMemory}
 * claims whole pages; a smaller window would hide whatever shares its page.
 * <p>
 * Moving onto ports or pages another device owns replaces that device until this window moves away, and
 * moving away leaves the range unclaimed (RAM shows through again), as with overlapping decoders on a real bus.
 */
public final class BarRegion {
    private final IoBus io;
    private final PhysicalMemory memory;
    private final IoPortHandler ports;
    private final MmioHandler mmio;
    private final int size;
    private int address;

    /** Forwards absolute port numbers to {@link #ports} as offsets into the window. */
    private final IoPortHandler portWindow = new IoPortHandler() {
        @Override
        public int in(int port, int accessSize) { return ports.in(port - address, accessSize); }

        @Override
        public void out(int port, int accessSize, int value) { ports.out(port - address, accessSize, value); }
    };

    private BarRegion(IoBus io, PhysicalMemory memory, IoPortHandler ports, MmioHandler mmio, int size) {
        if (size <= 0 || (size & (size - 1)) != 0) throw new IllegalArgumentException("BAR size must be a power of 2");
        this.io = io;
        this.memory = memory;
        this.ports = ports;
        this.mmio = mmio;
        this.size = size;
    }

    /** An I/O window of {@code size} ports (4..256, PCI 3.0 §6.2.5.1). */
    public static BarRegion io(IoBus io, int size, IoPortHandler handler) {
        if (io == null || handler == null) throw new IllegalArgumentException("null");
        if (size < 4 || size > 256) throw new IllegalArgumentException("I/O BAR size " + size);
        return new BarRegion(io, null, handler, null, size);
    }

    /** A memory window of {@code size} bytes (at least 4 KiB, see the class comment). */
    public static BarRegion memory(PhysicalMemory memory, int size, MmioHandler handler) {
        if (memory == null || handler == null) throw new IllegalArgumentException("null");
        if (size < PhysicalMemory.PAGE_SIZE) throw new IllegalArgumentException("memory BAR size " + size);
        return new BarRegion(null, memory, null, handler, size);
    }

    public boolean isIo() { return ports != null; }

    public int size() { return size; }

    /** The base the window is registered at, 0 if it is not. */
    public int address() { return address; }

    public boolean isMapped() { return address != 0; }

    /** Registers the window at {@code newAddress} (size-aligned), or removes it for 0. */
    public void moveTo(int newAddress) {
        if (newAddress == address) return;
        if (newAddress != 0) {
            if ((newAddress & (size - 1)) != 0) throw new IllegalArgumentException("unaligned BAR address");
            if (isIo() && Integer.compareUnsigned(newAddress, 0x10000 - size) > 0) {
                throw new IllegalArgumentException("I/O BAR beyond 64 KiB");
            }
        }
        if (address != 0) {
            if (isIo()) io.unregister(address, size); else memory.unmap(address, size);
        }
        address = newAddress;
        if (address != 0) {
            if (isIo()) io.register(address, size, portWindow); else memory.mapMmio(address, size, mmio);
        }
    }
}

package org.x86play.pci;

import org.x86play.io.IoBus;
import org.x86play.io.IoPortHandler;
import org.x86play.memory.MmioHandler;
import org.x86play.memory.PhysicalMemory;

/** A made-up function with an I/O BAR, a 32-bit MMIO BAR, a 64-bit prefetchable BAR, INTA# and two capabilities. */
final class PciTestDevice extends PciDevice {
    static final int VENDOR = 0x1AF4, DEVICE = 0x10F0;
    final int[] ioRegs = new int[32];
    final int[] mmioRegs = new int[1024];
    int lastMovedBar = -1, lastOld = -1, lastNew = -1, moves;

    PciTestDevice(IoBus io, PhysicalMemory memory) {
        super(VENDOR, DEVICE, 0x020000, 0x01);
        setSubsystem(0x1AF4, 0x0001);
        setInterruptPin(1);
        defineBar(0, BAR_IO, 32, BarRegion.io(io, 32, new IoPortHandler() {
            @Override public int in(int port, int size) { return ioRegs[port & 31]; }
            @Override public void out(int port, int size, int value) { ioRegs[port & 31] = value; }
        }));
        defineBar(1, BAR_MEM32, 4096, BarRegion.memory(memory, 4096, new MmioHandler() {
            @Override public int read(int offset, int size) { return mmioRegs[(offset >>> 2) & 1023]; }
            @Override public void write(int offset, int size, int value) { mmioRegs[(offset >>> 2) & 1023] = value; }
        }));
        defineBar(2, BAR_MEM64 | BAR_PREFETCHABLE, 0x10000, null);
        addCapability(0x40, 0x05, 14);   // MSI
        addCapability(0x50, 0x09, 8);    // vendor-specific
        setWritable(0x52, 2, 0xFFFF);
    }

    void raise(boolean level) { setIntx(level); }

    @Override
    protected void barMoved(int bar, int oldAddress, int newAddress) {
        lastMovedBar = bar;
        lastOld = oldAddress;
        lastNew = newAddress;
        moves++;
    }
}

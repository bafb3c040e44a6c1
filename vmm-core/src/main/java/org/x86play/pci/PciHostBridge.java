package org.x86play.pci;

import org.x86play.io.IoBus;
import org.x86play.io.IoPortHandler;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * Configuration Mechanism #1 of a PC host bridge (PCI 3.0 §3.2.2.3.2): CONFIG_ADDRESS at 0xCF8 and
 * CONFIG_DATA at 0xCFC..0xCFF.
 * <p>
 * CONFIG_ADDRESS: bit 31 enable, 23:16 bus, 15:11 device, 10:8 function, 7:2 dword register. Only a full
 * dword access at 0xCF8 reaches it; bits 30:24 are reserved and 1:0 read as 0. Any other access to
 * 0xCF8..0xCFB is an ordinary I/O cycle and goes to the pass-through handler (on a PIIX3 board the Reset
 * Control register at 0xCF9), or reads all-ones when there is none.
 * <p>
 * CONFIG_DATA: with bit 31 set, a byte/word/dword access at 0xCFC + n reaches config offset
 * (register & 0xFC) + n; the byte lanes beyond 0xCFF are not part of the cycle (they read all-ones).
 * With bit 31 clear it is an ordinary I/O port nobody answers.
 */
public final class PciHostBridge implements IoPortHandler {
    public static final int CONFIG_ADDRESS = 0xCF8, CONFIG_DATA = 0xCFC;
    private static final int ENABLE = 0x80000000;
    private static final int ADDRESS_MASK = 0x80FFFFFC;

    private final PciBus bus;
    private int address;
    private IoPortHandler passThrough;

    public PciHostBridge(PciBus bus) { this.bus = bus; }

    /** Registers ports 0xCF8..0xCFF. */
    public void attach(IoBus io) { io.register(CONFIG_ADDRESS, 8, this); }

    /** Receives the non-dword accesses to 0xCF8..0xCFB (absolute port numbers). */
    public void setPassThrough(IoPortHandler handler) { passThrough = handler; }

    public int configAddress() { return address; }

    @Override
    public int in(int port, int size) {
        if (port == CONFIG_ADDRESS && size == 4) return address;
        if (port < CONFIG_DATA) return passThrough != null ? passThrough.in(port, size) : allOnes(size);
        if ((address & ENABLE) == 0) return allOnes(size);
        int lane = port & 3;
        int n = Math.min(size, 4 - lane);
        int v = bus.readConfig((address >>> 16) & 0xFF, (address >>> 8) & 0xFF, (address & 0xFC) + lane, n);
        return n == size ? v : v | (allOnes(size) & ~allOnes(n));
    }

    @Override
    public void out(int port, int size, int value) {
        if (port == CONFIG_ADDRESS && size == 4) {
            address = value & ADDRESS_MASK;
            return;
        }
        if (port < CONFIG_DATA) {
            if (passThrough != null) passThrough.out(port, size, value);
            return;
        }
        if ((address & ENABLE) == 0) return;
        int lane = port & 3;
        bus.writeConfig((address >>> 16) & 0xFF, (address >>> 8) & 0xFF, (address & 0xFC) + lane,
                Math.min(size, 4 - lane), value);
    }

    private static int allOnes(int size) { return size == 4 ? -1 : (1 << (size << 3)) - 1; }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    public void saveState(StateWriter w) { w.i32(address); }

    public void loadState(StateReader r) throws SnapshotFormatException { address = r.i32() & ADDRESS_MASK; }
}

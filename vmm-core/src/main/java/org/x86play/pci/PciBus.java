package org.x86play.pci;

import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

/**
 * PCI bus 0: 32 device slots of 8 functions, addressed by devfn = device << 3 | function (PCI 3.0 §3.2.2.3).
 * Configuration reads of absent functions, and of any other bus number (there are no PCI-to-PCI bridges),
 * end in a master abort and return all-ones, which is how software detects an empty slot (§6.1).
 * <p>
 * The bus also carries the I/O and memory spaces device models register their BAR windows in
 * ({@link #io()}, {@link #memory()}), and forwards INTx changes to its {@link IntxRouter}.
 */
public final class PciBus {
    public static final int SLOTS = 32, FUNCTIONS = 8;

    private final PciDevice[] functions = new PciDevice[SLOTS * FUNCTIONS];
    private final IoBus io;
    private final PhysicalMemory memory;
    private IntxRouter router;

    public PciBus(IoBus io, PhysicalMemory memory) {
        this.io = io;
        this.memory = memory;
    }

    public static int devfn(int slot, int function) {
        if (slot < 0 || slot >= SLOTS || function < 0 || function >= FUNCTIONS) throw new IllegalArgumentException("slot/function");
        return slot << 3 | function;
    }

    public IoBus io() { return io; }

    public PhysicalMemory memory() { return memory; }

    public void setIntxRouter(IntxRouter router) { this.router = router; }

    /** Puts {@code device} at {@code devfn}; the slot must be free. */
    public void plug(int devfn, PciDevice device) {
        if (devfn < 0 || devfn >= functions.length) throw new IllegalArgumentException("devfn " + devfn);
        if (functions[devfn] != null) throw new IllegalStateException("devfn " + devfn + " is taken");
        functions[devfn] = device;
        device.plugged(this, devfn);
    }

    public void plug(int slot, int function, PciDevice device) { plug(devfn(slot, function), device); }

    /** Removes the function at {@code devfn} (its windows are unmapped, its INTx released); returns it or null. */
    public PciDevice unplug(int devfn) {
        PciDevice d = device(devfn);
        if (d != null) {
            d.unplugged();
            functions[devfn] = null;
        }
        return d;
    }

    /** The function at {@code devfn}, or null. */
    public PciDevice device(int devfn) {
        return devfn >= 0 && devfn < functions.length ? functions[devfn] : null;
    }

    /** The lowest slot with no function in it, or -1 if the bus is full. */
    public int freeSlot() {
        for (int slot = 0; slot < SLOTS; slot++) {
            boolean empty = true;
            for (int fn = 0; fn < FUNCTIONS; fn++) empty &= functions[slot << 3 | fn] == null;
            if (empty) return slot;
        }
        return -1;
    }

    /** A configuration read of {@code size} bytes; all-ones when nothing claims it. */
    public int readConfig(int busNumber, int devfn, int offset, int size) {
        PciDevice d = busNumber == 0 ? device(devfn) : null;
        if (d == null) return size == 4 ? -1 : (1 << (size << 3)) - 1;
        return d.readConfig(offset, size);
    }

    /** A configuration write; dropped when nothing claims it. */
    public void writeConfig(int busNumber, int devfn, int offset, int size, int value) {
        PciDevice d = busNumber == 0 ? device(devfn) : null;
        if (d != null) d.writeConfig(offset, size, value);
    }

    void intxChanged(int devfn, int pin, boolean asserted) {
        if (router != null) router.intxChanged(devfn, pin, asserted);
    }
}

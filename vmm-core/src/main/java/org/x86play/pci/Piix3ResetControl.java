package org.x86play.pci;

import org.x86play.io.IoPortHandler;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * The PIIX3 Reset Control register at I/O 0xCF9 (byte access only; it shares the dword at 0xCF8 with
 * CONFIG_ADDRESS, see {@link PciHostBridge#setPassThrough}). Bit 1 selects a hard (system) or soft (CPU
 * only) reset, bit 2 starts the reset on its 0-to-1 transition; Linux's "reboot=pci" writes 0x02 then 0x06.
 * The register reads back its last value; after the reset it reads 0.
 */
public final class Piix3ResetControl implements IoPortHandler {
    public static final int PORT = 0xCF9;
    private static final int SYSTEM_RESET = 0x02, RESET_CPU = 0x04;

    private final Runnable reset;
    private int value;

    /** @param reset called when the guest requests a reset (may be null) */
    public Piix3ResetControl(Runnable reset) { this.reset = reset; }

    @Override
    public int in(int port, int size) {
        if (port == PORT && size == 1) return value;
        return size == 4 ? -1 : (1 << (size << 3)) - 1;
    }

    @Override
    public void out(int port, int size, int v) {
        if (port != PORT || size != 1) return;
        boolean start = (v & RESET_CPU) != 0 && (value & RESET_CPU) == 0;
        value = v & (SYSTEM_RESET | RESET_CPU);
        if (start) {
            value = 0;
            if (reset != null) reset.run();
        }
    }

    /** The register as the guest reads it. */
    public int value() { return value; }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    public void saveState(StateWriter w) { w.u8(value); }

    public void loadState(StateReader r) throws SnapshotFormatException { value = r.u8(); }
}

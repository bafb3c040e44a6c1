package org.x86play.devices.ps2;

import org.x86play.io.IoBus;
import org.x86play.io.IoPortHandler;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * System Control Port A at 0x92 (PS/2 and PIIX): bit 1 = fast A20 gate, bit 0 = fast CPU reset
 * (a 0-to-1 transition resets the processor). Other bits read as written except bit 0, which the
 * reset clears.
 */
public final class SystemControlPortA implements IoPortHandler {
    public static final int PORT = 0x92;

    private final A20Control a20;
    private final Runnable reset;
    private int value;

    /** @param reset called for a fast reset (the machine resets the CPU); may be null */
    public SystemControlPortA(A20Control a20, Runnable reset) {
        this.a20 = a20;
        this.reset = reset;
    }

    public void attach(IoBus io) { io.register(PORT, 1, this); }

    @Override
    public int in(int port, int size) {
        return (value & ~3) | (a20.fast() ? 2 : 0) | (value & 1);
    }

    @Override
    public void out(int port, int size, int v) {
        boolean resetEdge = (v & 1) != 0 && (value & 1) == 0;
        value = v & 0xFF;
        a20.setFast((v & 2) != 0);
        if (resetEdge) {
            value &= ~1;
            if (reset != null) reset.run();
        }
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** Port 0x92 (its A20 bit is in the shared {@link A20Control}, saved by the i8042). */
    public void saveState(StateWriter w) { w.u8(value); }

    public void loadState(StateReader r) throws SnapshotFormatException { value = r.u8(); }
}

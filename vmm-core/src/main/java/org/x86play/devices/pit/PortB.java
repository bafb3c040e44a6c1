package org.x86play.devices.pit;

import org.x86play.io.IoPortHandler;
import org.x86play.time.VirtualClock;

/**
 * System control port B at 0x61 (AT / PIIX "NMI status and control"): bit 0 = counter 2 gate,
 * bit 1 = speaker data enable, bits 2-3 = parity/IOCHK check disables (stored), bit 4 = refresh
 * toggle (flips every 15.085 µs of guest time), bit 5 = counter 2 OUT, bits 6-7 = IOCHK/parity
 * error (never set). Linux's PIT calibration and SeaBIOS's TSC calibration poll bit 5.
 */
public final class PortB implements IoPortHandler {
    public static final int PORT = 0x61;
    /** Refresh request period of the AT (counter 1 programmed to 18 ticks = 15.085 µs). */
    static final long REFRESH_NS = 15_085;

    private final Pit8254 pit;
    private final VirtualClock clock;
    private int control;

    PortB(Pit8254 pit, VirtualClock clock) {
        this.pit = pit;
        this.clock = clock;
    }

    /** Speaker enabled (bit 1) — for a future audio output. */
    public boolean speakerData() { return (control & 2) != 0; }

    @Override
    public int in(int port, int size) {
        int v = control & 0x0F;
        if ((clock.now() / REFRESH_NS & 1) != 0) v |= 0x10;
        if (pit.out2()) v |= 0x20;
        return v;
    }

    @Override
    public void out(int port, int size, int value) {
        control = value & 0x0F;
        pit.setGate2((value & 1) != 0);
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    int control() { return control; }

    void setControl(int v) { control = v & 0x0F; }
}

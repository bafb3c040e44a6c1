package org.x86play.devices.ps2;

import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * The chipset's A20 gate: enabled when either the keyboard controller's output port bit 1 or
 * System Control Port A (0x92) bit 1 asks for it (the two are ORed on AT-compatible chipsets).
 */
public final class A20Control {
    /** Where the gate goes, typically {@code memory::setA20}. */
    @FunctionalInterface
    public interface Sink {
        void setA20(boolean enabled);
    }

    private final Sink sink;
    private boolean kbc, fast;

    public A20Control(Sink sink, boolean kbcInitially) {
        this.sink = sink;
        this.kbc = kbcInitially;
        apply();
    }

    void setKbc(boolean on) { kbc = on; apply(); }

    void setFast(boolean on) { fast = on; apply(); }

    public boolean enabled() { return kbc || fast; }

    boolean fast() { return fast; }

    private void apply() {
        if (sink != null) sink.setA20(kbc || fast);
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    void saveState(StateWriter w) { w.bool(kbc).bool(fast); }

    /** Restores both gate inputs and drives the memory's A20 from them. */
    void loadState(StateReader r) throws SnapshotFormatException {
        kbc = r.bool("A20 (keyboard controller)");
        fast = r.bool("A20 (port 0x92)");
        apply();
    }
}

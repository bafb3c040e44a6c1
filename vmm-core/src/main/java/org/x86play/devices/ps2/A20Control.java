package org.x86play.devices.ps2;

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
}

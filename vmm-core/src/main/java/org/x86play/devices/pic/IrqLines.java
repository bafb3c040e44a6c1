package org.x86play.devices.pic;

/**
 * The ISA interrupt request lines IRQ0..15 as devices drive them. Edge-triggered inputs latch a
 * request on a low-to-high transition; level-triggered ones request while high.
 */
public interface IrqLines {
    void setIrq(int irq, boolean high);

    default void raise(int irq) { setIrq(irq, true); }

    default void lower(int irq) { setIrq(irq, false); }

    /** A low-high-low pulse on an edge-triggered line (e.g. a timer output's rising edge). */
    default void pulse(int irq) {
        setIrq(irq, false);
        setIrq(irq, true);
        setIrq(irq, false);
    }
}

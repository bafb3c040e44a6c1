package org.x86play.devices.apic;

import org.x86play.devices.pic.IrqLines;

/**
 * The ISA interrupt lines wired to both interrupt controllers, as on a PC with an I/O APIC: IRQ n goes
 * to 8259A input n and to I/O APIC pin n, except IRQ0 (the PIT), which goes to pin 2 — the MADT's
 * interrupt source override 0 → 2 (ACPI spec §5.2.12.5). IRQ2 is the PIC cascade and reaches no pin.
 * Devices keep driving {@link IrqLines}; hand them this router instead of the PIC.
 */
public final class IsaIrqRouter implements IrqLines {
    /** The I/O APIC pin of the ISA timer interrupt. */
    public static final int TIMER_PIN = 2;

    private final IrqLines pic;
    private final IoApic ioApic;

    public IsaIrqRouter(IrqLines pic, IoApic ioApic) {
        this.pic = pic;
        this.ioApic = ioApic;
    }

    /** The I/O APIC pin of ISA IRQ {@code irq} (0..15), or -1 for IRQ2 and out-of-range numbers. */
    public static int pinOf(int irq) {
        if (irq == 0) return TIMER_PIN;
        return irq == 2 || irq < 0 || irq > 15 ? -1 : irq;
    }

    @Override
    public void setIrq(int irq, boolean high) {
        pic.setIrq(irq, high);
        int pin = pinOf(irq);
        if (pin >= 0) ioApic.setPin(pin, high);
    }
}

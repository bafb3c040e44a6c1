package org.x86play.devices.apic;

/**
 * The receiving end of an interrupt message on the APIC bus (SDM Vol. 3 §10.6, 82093AA §3.2.4):
 * where the I/O APIC sends its redirected interrupts. Implemented by {@link LocalApic}.
 */
public interface ApicMessageSink {
    /** Delivery modes of the message (ICR / redirection entry bits 10:8). */
    int FIXED = 0, LOWEST_PRIORITY = 1, SMI = 2, NMI = 4, INIT = 5, STARTUP = 6, EXT_INT = 7;

    /**
     * Delivers one interrupt message.
     * @param vector       interrupt vector (ignored for ExtINT, whose vector comes from the 8259A)
     * @param deliveryMode one of the constants above
     * @param level        level-triggered (the receiver sets TMR and broadcasts the EOI)
     * @param logical      logical (true) or physical destination mode
     * @param destination  8-bit destination field
     * @return true if a processor accepted the interrupt (an I/O APIC then sets Remote IRR for level)
     */
    boolean deliver(int vector, int deliveryMode, boolean level, boolean logical, int destination);
}

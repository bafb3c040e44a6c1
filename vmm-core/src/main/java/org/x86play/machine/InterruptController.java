package org.x86play.machine;

/**
 * What the run loop needs from an interrupt controller (the 8259A PIC pair alone, or the local APIC in
 * front of it as {@code PcPlatform} wires them): it polls for a maskable request between instructions
 * and runs the INTA cycle.
 */
public interface InterruptController {
    /** True while a maskable interrupt request is asserted on the CPU's INTR line. */
    boolean hasInterrupt();

    /** The interrupt-acknowledge cycle: returns the vector (0..255) to deliver and updates in-service state. */
    int acknowledge();

    /**
     * True if a request may still arrive while the CPU is halted (e.g. a timer is programmed or
     * host input can arrive). When false, HLT with IF=1 ends the run as halted forever.
     */
    boolean canInterruptLater();

    /** Called while the CPU is halted with IF=1, instead of executing instructions: lets devices advance time. */
    void idle();
}

package org.x86play.cpu.fpu;

/**
 * The FERR# output of the x87 (SDM Vol. 1 §8.7, App. D): with CR0.NE = 0 a pending unmasked x87
 * exception is reported externally, on a PC through IRQ 13 of the interrupt controller.
 */
public interface FerrListener {
    /** FERR# changed: asserted when a waiting x87 instruction finds an unmasked exception pending. */
    void ferr(boolean asserted);
}

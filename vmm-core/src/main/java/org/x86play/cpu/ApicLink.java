package org.x86play.cpu;

/**
 * The processor's local APIC as the core sees it, so that the CPU package needs no device import:
 * the IA32_APIC_BASE MSR (SDM Vol. 3 §10.4.4) and processor RESET. Implemented by
 * {@code devices.apic.LocalApic}; attached through {@link Cpu#apic}. With no APIC attached, CPUID
 * reports none and IA32_APIC_BASE does not exist (#GP).
 */
public interface ApicLink {
    /** IA32_APIC_BASE bits 31:0 (base, global enable bit 11, BSP bit 8); bits 63:32 are zero. */
    int apicBase();

    /**
     * WRMSR IA32_APIC_BASE with EDX = 0. Returns false for a value with reserved bits set (the
     * caller raises #GP(0)).
     */
    boolean setApicBase(int value);

    /** Processor RESET: the local APIC returns to its power-up state (SDM §10.4.7.1). */
    void reset();
}

package org.x86play.cpu;

/**
 * CPUID leaves and the processor signature (SDM Vol. 2A, CPUID).
 * OWNER: cpu-system helper.
 */
public final class CpuId {
    /** Family 6, model 8, stepping 3 (a Pentium III class P6); EDX after RESET holds it (SDM §9.1.4). */
    public static final int RESET_SIGNATURE = 0x0683;

    private CpuId() {}

    /** Executes CPUID for the leaf in EAX, writing EAX/EBX/ECX/EDX. */
    public static void execute(Cpu cpu) {
        throw new org.x86play.cpu.UnimplementedInstruction("CPUID: not yet implemented");
    }
}

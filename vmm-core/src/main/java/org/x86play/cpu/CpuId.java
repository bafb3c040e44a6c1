package org.x86play.cpu;

/**
 * CPUID leaves and the processor signature (SDM Vol. 2A, CPUID).
 * Reports exactly the features this core implements.
 */
public final class CpuId {
    /** Family 6, model 8, stepping 3 (a Pentium III class P6); EDX after RESET holds it (SDM §9.1.4). */
    public static final int RESET_SIGNATURE = 0x0683;

    // Leaf 1 EDX feature bits (SDM Vol. 2A Table 3-11).
    public static final int FPU = 1, PSE = 1 << 3, TSC = 1 << 4, MSR = 1 << 5, CX8 = 1 << 8, SEP = 1 << 11,
            PGE = 1 << 13, CMOV = 1 << 15, FXSR = 1 << 24;
    public static final int FEATURES_EDX = FPU | PSE | TSC | MSR | CX8 | SEP | PGE | CMOV | FXSR;
    /** On-chip APIC (bit 9): reported only while a local APIC is attached ({@link Cpu#apic}). */
    public static final int APIC = 1 << 9;
    /** CPUID.1:EBX[31:24], the initial APIC ID of the only processor (SDM Vol. 2A Table 3-8). */
    public static final int INITIAL_APIC_ID = 0;

    static final int MAX_BASIC = 2, MAX_EXTENDED = 0x80000004;
    /** 48-byte brand string for leaves 0x80000002-4 (NUL padded). */
    static final String BRAND = "x86play virtual i686 CPU";

    private CpuId() {}

    /** Executes CPUID for the leaf in EAX, writing EAX/EBX/ECX/EDX. */
    public static void execute(Cpu cpu) {
        int leaf = cpu.reg[Cpu.EAX];
        int a = 0, b = 0, c = 0, d = 0;
        // Leaves above the maximum return the highest basic leaf (SDM Vol. 2A CPUID, "invalid input").
        if (Integer.compareUnsigned(leaf, MAX_EXTENDED) > 0
                || (Integer.compareUnsigned(leaf, MAX_BASIC) > 0 && Integer.compareUnsigned(leaf, 0x80000000) < 0)) {
            leaf = MAX_BASIC;
        }
        switch (leaf) {
            case 0:
                a = MAX_BASIC;
                b = 0x756E6547; d = 0x49656E69; c = 0x6C65746E;   // "GenuineIntel"
                break;
            case 1:
                a = RESET_SIGNATURE;
                b = INITIAL_APIC_ID << 24;
                d = FEATURES_EDX | (cpu.apic != null ? APIC : 0);
                break;
            case 2:
                // One iteration, no cache/TLB descriptors (descriptor byte 0 = null).
                a = 0x00000001;
                break;
            case 0x80000000:
                a = MAX_EXTENDED;
                break;
            case 0x80000002: case 0x80000003: case 0x80000004: {
                int base = (leaf - 0x80000002) * 16;
                a = brandDword(base); b = brandDword(base + 4); c = brandDword(base + 8); d = brandDword(base + 12);
                break;
            }
            default:
                break;
        }
        cpu.reg[Cpu.EAX] = a;
        cpu.reg[Cpu.EBX] = b;
        cpu.reg[Cpu.ECX] = c;
        cpu.reg[Cpu.EDX] = d;
    }

    private static int brandDword(int offset) {
        int v = 0;
        for (int i = 3; i >= 0; i--) {
            int k = offset + i;
            v = (v << 8) | (k < BRAND.length() ? BRAND.charAt(k) & 0xFF : 0);
        }
        return v;
    }
}

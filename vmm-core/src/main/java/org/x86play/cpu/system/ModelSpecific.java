package org.x86play.cpu.system;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;

/**
 * RDMSR/WRMSR, RDTSC and SYSENTER/SYSEXIT (SDM Vol. 2B; MSR list in Vol. 4 for the P6 family).
 * Only the MSRs of features that CPUID reports exist; any other index raises #GP(0).
 */
final class ModelSpecific {
    static final int IA32_TSC = 0x10, IA32_PLATFORM_ID = 0x17, IA32_APIC_BASE = 0x1B, IA32_BIOS_SIGN_ID = 0x8B,
            IA32_SYSENTER_CS = 0x174, IA32_SYSENTER_ESP = 0x175, IA32_SYSENTER_EIP = 0x176;

    private final Cpu cpu;

    ModelSpecific(Cpu cpu) {
        this.cpu = cpu;
    }

    private void requireCpl0() {
        if (cpu.isProtected() && cpu.cpl != 0) throw CpuFault.gp(0);
    }

    void rdmsr() {
        requireCpl0();
        int lo, hi = 0;
        switch (cpu.reg[Cpu.ECX]) {
            case IA32_TSC: lo = (int) cpu.tsc; hi = (int) (cpu.tsc >>> 32); break;
            case IA32_PLATFORM_ID: lo = 0; break;
            case IA32_APIC_BASE:   // exists only with a local APIC (CPUID.1:EDX.APIC)
                if (cpu.apic == null) throw CpuFault.gp(0);
                lo = cpu.apic.apicBase();
                break;
            case IA32_BIOS_SIGN_ID: lo = 0; break;   // no microcode update loaded
            case IA32_SYSENTER_CS: lo = cpu.sysenterCs; break;
            case IA32_SYSENTER_ESP: lo = cpu.sysenterEsp; break;
            case IA32_SYSENTER_EIP: lo = cpu.sysenterEip; break;
            default: throw CpuFault.gp(0);
        }
        cpu.reg[Cpu.EAX] = lo;
        cpu.reg[Cpu.EDX] = hi;
    }

    void wrmsr() {
        requireCpl0();
        int lo = cpu.reg[Cpu.EAX], hi = cpu.reg[Cpu.EDX];
        switch (cpu.reg[Cpu.ECX]) {
            case IA32_TSC: cpu.tsc = ((long) hi << 32) | (lo & 0xFFFFFFFFL); break;
            case IA32_APIC_BASE:
                // MAXPHYADDR is 32 (no PAE): bits 63:32 are reserved, as are the bits the APIC rejects (SDM §10.4.4).
                if (cpu.apic == null || hi != 0 || !cpu.apic.setApicBase(lo)) throw CpuFault.gp(0);
                break;
            case IA32_BIOS_SIGN_ID: break;
            case IA32_SYSENTER_CS: cpu.sysenterCs = lo & 0xFFFF; break;
            case IA32_SYSENTER_ESP: cpu.sysenterEsp = lo; break;
            case IA32_SYSENTER_EIP: cpu.sysenterEip = lo; break;
            default: throw CpuFault.gp(0);   // includes the read-only PLATFORM_ID
        }
    }

    /** RDTSC: #GP(0) with CR4.TSD set outside ring 0 (SDM Vol. 2B RDTSC). */
    void rdtsc() {
        if ((cpu.cr4 & Cpu.CR4_TSD) != 0 && cpu.isProtected() && cpu.cpl != 0) throw CpuFault.gp(0);
        cpu.reg[Cpu.EAX] = (int) cpu.tsc;
        cpu.reg[Cpu.EDX] = (int) (cpu.tsc >>> 32);
    }

    /** SYSENTER: flat ring-0 CS/SS from IA32_SYSENTER_CS (SDM Vol. 2B SYSENTER). */
    void sysenter() {
        if (!cpu.isProtected() || (cpu.sysenterCs & 0xFFFC) == 0) throw CpuFault.gp(0);
        cpu.setEflags(cpu.getEflags() & ~(Cpu.VM | Cpu.IF | Cpu.RF));
        int cs = cpu.sysenterCs & 0xFFFC;
        cpu.seg[Cpu.CS].set(cs, 0, 0xFFFFFFFF, 0xC09B);
        cpu.seg[Cpu.SS].set(cs + 8, 0, 0xFFFFFFFF, 0xC093);
        cpu.cpl = 0;
        cpu.reg[Cpu.ESP] = cpu.sysenterEsp;
        cpu.eip = cpu.sysenterEip;
    }

    /** SYSEXIT: flat ring-3 CS/SS at IA32_SYSENTER_CS+16/+24, ESP = ECX, EIP = EDX (SDM Vol. 2B). */
    void sysexit() {
        if (!cpu.isProtected() || cpu.isV86() || cpu.cpl != 0 || (cpu.sysenterCs & 0xFFFC) == 0) throw CpuFault.gp(0);
        int cs = cpu.sysenterCs & 0xFFFC;
        cpu.seg[Cpu.CS].set((cs + 16) | 3, 0, 0xFFFFFFFF, 0xC0FB);
        cpu.seg[Cpu.SS].set((cs + 24) | 3, 0, 0xFFFFFFFF, 0xC0F3);
        cpu.cpl = 3;
        cpu.reg[Cpu.ESP] = cpu.reg[Cpu.ECX];
        cpu.eip = cpu.reg[Cpu.EDX];
    }
}

package org.x86play.cpu.system;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;

/**
 * System-register instructions: CR0 writes, LGDT/LIDT/LLDT/LTR, LAR/LSL/VERR/VERW
 * (SDM Vol. 2 and Vol. 3 §2.5, §2.7, §5.10.1).
 */
final class SystemRegisters {
    private final Cpu cpu;
    private final Segments segments;
    private final Descriptor d = new Descriptor();
    boolean lastAccessOk;

    SystemRegisters(Cpu cpu, Segments segments) {
        this.cpu = cpu;
        this.segments = segments;
    }

    private static final int CR0_DEFINED = Cpu.CR0_PE | Cpu.CR0_MP | Cpu.CR0_EM | Cpu.CR0_TS | Cpu.CR0_ET | Cpu.CR0_NE
            | Cpu.CR0_WP | Cpu.CR0_AM | Cpu.CR0_NW | Cpu.CR0_CD | Cpu.CR0_PG;

    /** MOV CR0 / LMSW / CLTS result (SDM §2.5, MOV CR pseudocode): reserved bits ignored, ET forced. */
    void writeCr0(int value) {
        int v = (value & CR0_DEFINED) | Cpu.CR0_ET;
        if ((v & Cpu.CR0_PG) != 0 && (v & Cpu.CR0_PE) == 0) throw CpuFault.gp(0);
        if ((v & Cpu.CR0_NW) != 0 && (v & Cpu.CR0_CD) == 0) throw CpuFault.gp(0);
        cpu.writeCr(0, v);
        // Real mode runs at privilege 0; entering protected mode keeps CPL 0 (CS still holds a
        // real-mode selector until the first far jump, SDM §9.9.1).
        if ((v & Cpu.CR0_PE) == 0) cpu.cpl = 0;
    }

    /**
     * CR4 bits of the features CPUID reports (TSD, PSE, PGE, PCE, OSFXSR); the others (VME, PVI,
     * DE, PAE, MCE, OSXMMEXCPT) are reserved on this processor model: setting one is #GP(0) (SDM Vol. 3 §2.5).
     */
    static final int CR4_SUPPORTED = Cpu.CR4_TSD | Cpu.CR4_PSE | Cpu.CR4_PGE | Cpu.CR4_PCE | Cpu.CR4_OSFXSR;

    void writeCr4(int value) {
        if ((value & ~CR4_SUPPORTED) != 0) throw CpuFault.gp(0);
        cpu.writeCr(4, value);
    }

    private void requireCpl0() {
        if (cpu.isProtected() && cpu.cpl != 0) throw CpuFault.gp(0);
    }

    private void requireProtected() {
        if (!cpu.isProtected() || cpu.isV86()) throw CpuFault.ud();
    }

    void lgdt(int base, int limit) {
        requireCpl0();
        cpu.gdtr.set(0, base, limit & 0xFFFF, 0);
    }

    void lidt(int base, int limit) {
        requireCpl0();
        cpu.idtr.set(0, base, limit & 0xFFFF, 0);
    }

    /** LLDT (SDM Vol. 2): a null selector disables the LDT. */
    void lldt(int sel) {
        requireProtected();
        requireCpl0();
        sel &= 0xFFFF;
        if ((sel & 0xFFFC) == 0) {
            cpu.ldtr.set(sel, 0, 0, 0);
            cpu.ldtr.valid = false;
            return;
        }
        if ((sel & 4) != 0) throw CpuFault.gp(sel & 0xFFFC);
        segments.fetchOrFault(d, sel, CpuFault.GP, 0);
        if (d.isSegment() || d.type() != Descriptor.LDT) throw CpuFault.gp(sel & 0xFFFC);
        if (!d.present()) throw new CpuFault(CpuFault.NP, sel & 0xFFFC);
        d.loadInto(cpu.ldtr, sel);
    }

    /** LTR: loads an available TSS and marks it busy (SDM Vol. 2 LTR). */
    void ltr(int sel) {
        requireProtected();
        requireCpl0();
        sel &= 0xFFFF;
        if ((sel & 0xFFFC) == 0) throw CpuFault.gp(0);
        if ((sel & 4) != 0) throw CpuFault.gp(sel & 0xFFFC);
        segments.fetchOrFault(d, sel, CpuFault.GP, 0);
        if (d.isSegment() || (d.type() != Descriptor.TSS16_AVAIL && d.type() != Descriptor.TSS32_AVAIL))
            throw CpuFault.gp(sel & 0xFFFC);
        if (!d.present()) throw new CpuFault(CpuFault.NP, sel & 0xFFFC);
        segments.setBusy(d, true);
        d.loadInto(cpu.tr, sel);
    }

    /**
     * Common part of LAR/LSL/VERR/VERW: the descriptor is visible at CPL with RPL
     * (conforming code is visible at any level; SDM Vol. 2 LAR).
     */
    private boolean visible(int sel) {
        requireProtected();
        sel &= 0xFFFF;
        if ((sel & 0xFFFC) == 0 || !segments.fetch(d, sel)) return false;
        if (d.isConforming()) return true;
        return d.dpl() >= cpu.cpl && d.dpl() >= (sel & 3);
    }

    int lar(int sel) {
        boolean ok = visible(sel);
        if (ok && !d.isSegment()) {
            int t = d.type();
            ok = t == 1 || t == 2 || t == 3 || t == 4 || t == 5 || t == 9 || t == 0xB || t == 0xC;
        }
        lastAccessOk = ok;
        return ok ? d.hi & 0x00F0FF00 : -1;   // limit bits 19:16 undefined: reported as 0
    }

    int lsl(int sel) {
        boolean ok = visible(sel);
        if (ok && !d.isSegment()) {
            int t = d.type();
            ok = t == 1 || t == 2 || t == 3 || t == 9 || t == 0xB;
        }
        lastAccessOk = ok;
        return ok ? d.limit() : 0;
    }

    boolean verr(int sel) {
        boolean ok = visible(sel) && (d.isData() || d.isReadableCode());
        lastAccessOk = ok;
        return ok;
    }

    boolean verw(int sel) {
        boolean ok = visible(sel) && d.isWritableData();
        lastAccessOk = ok;
        return ok;
    }
}

package org.x86play.cpu.system;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.cpu.SegmentCache;

/**
 * Descriptor-table access and the segment-register load rules (SDM Vol. 3 §3.4, §5.5-5.7,
 * MOV/POP Sreg pseudocode in Vol. 2). Hidden caches change only here (and in task switches),
 * so a segment keeps working after its descriptor in memory is overwritten.
 */
final class Segments {
    private final Cpu cpu;

    Segments(Cpu cpu) {
        this.cpu = cpu;
    }

    static int err(int selector, int ext) {
        return (selector & 0xFFFC) | ext;
    }

    /** Reads the descriptor of {@code sel}; false if it lies outside the GDT/LDT (or the LDT is null). */
    boolean fetch(Descriptor d, int sel) {
        int index = sel & 0xFFF8;
        int tableBase, tableLimit;
        if ((sel & 4) != 0) {
            SegmentCache l = cpu.ldtr;
            if (!l.valid || (l.selector & 0xFFFC) == 0) return false;
            tableBase = l.base;
            tableLimit = l.limit;
        } else {
            tableBase = cpu.gdtr.base;
            tableLimit = cpu.gdtr.limit;
        }
        if (Integer.compareUnsigned(index + 7, tableLimit) > 0) return false;
        d.address = tableBase + index;
        d.lo = cpu.readSystem32(d.address);
        d.hi = cpu.readSystem32(d.address + 4);
        d.selector = sel & 0xFFFF;
        return true;
    }

    /** Like {@link #fetch} but raises {@code vector}(selector) when outside the table. */
    void fetchOrFault(Descriptor d, int sel, int vector, int ext) {
        if (!fetch(d, sel)) throw new CpuFault(vector, err(sel, ext));
    }

    /** Sets the accessed bit in memory, as the processor does on every segment load (SDM §3.4.5.1). */
    void setAccessed(Descriptor d) {
        if (d.isSegment() && (d.hi & 0x100) == 0) {
            d.hi |= 0x100;
            cpu.writeSystem8(d.address + 5, (d.hi >>> 8) & 0xFF);
        }
    }

    /** Sets or clears the busy bit (type bit 1) of a TSS descriptor in memory (SDM §7.2.2). */
    void setBusy(Descriptor d, boolean busy) {
        d.hi = busy ? d.hi | 0x200 : d.hi & ~0x200;
        cpu.writeSystem8(d.address + 5, (d.hi >>> 8) & 0xFF);
    }

    /** Real-address-mode load: base = selector * 16, limit and attributes kept (SDM §20.1.1). */
    void loadReal(int sreg, int sel) {
        cpu.seg[sreg].loadReal(sel);
    }

    /** Virtual-8086 load: base = selector * 16, 64 KiB limit, DPL 3 present read/write (SDM §20.2.1). */
    void loadV86(int sreg, int sel) {
        cpu.seg[sreg].set(sel, (sel & 0xFFFF) << 4, 0xFFFF, sreg == Cpu.CS ? 0xFB : 0xF3);
    }

    /** A null selector in DS/ES/FS/GS: loads fine, faults on use (SDM §3.4.2). */
    void loadNull(int sreg, int sel) {
        SegmentCache c = cpu.seg[sreg];
        c.selector = sel & 0xFFFF;
        c.base = 0;
        c.limit = 0;
        c.attributes = 0;
        c.valid = false;
    }

    /** MOV/POP Sreg, LDS..LSS in the current mode. */
    void load(int sreg, int sel, Descriptor d) {
        if (sreg < 0 || sreg > 5) throw CpuFault.ud();
        sel &= 0xFFFF;
        if (!cpu.isProtected()) { loadReal(sreg, sel); return; }
        if (cpu.isV86()) { loadV86(sreg, sel); return; }
        if (sreg == Cpu.SS) loadStackProtected(sel, d);
        else if (sreg == Cpu.CS) throw CpuFault.ud();
        else loadDataProtected(sreg, sel, d);
    }

    private void loadStackProtected(int sel, Descriptor d) {
        int cpl = cpu.cpl;
        if ((sel & 0xFFFC) == 0) throw CpuFault.gp(0);
        fetchOrFault(d, sel, CpuFault.GP, 0);
        if ((sel & 3) != cpl || !d.isWritableData() || d.dpl() != cpl) throw CpuFault.gp(sel & 0xFFFC);
        if (!d.present()) throw new CpuFault(CpuFault.SS, sel & 0xFFFC);
        setAccessed(d);
        d.loadInto(cpu.seg[Cpu.SS], sel);
    }

    private void loadDataProtected(int sreg, int sel, Descriptor d) {
        if ((sel & 0xFFFC) == 0) { loadNull(sreg, sel); return; }
        fetchOrFault(d, sel, CpuFault.GP, 0);
        if (!(d.isData() || d.isReadableCode())) throw CpuFault.gp(sel & 0xFFFC);
        if (d.isDataOrNonConformingCode() && ((sel & 3) > d.dpl() || cpu.cpl > d.dpl()))
            throw CpuFault.gp(sel & 0xFFFC);
        if (!d.present()) throw new CpuFault(CpuFault.NP, sel & 0xFFFC);
        setAccessed(d);
        d.loadInto(cpu.seg[sreg], sel);
    }

    /**
     * Checks a new SS for a privilege change (call gate, interrupt, RETF/IRET to outer level):
     * raises {@code vector}(selector|ext) for a bad descriptor and #SS for a not-present one.
     */
    void checkNewStack(Descriptor d, int ssSel, int pl, int vector, int ext) {
        if ((ssSel & 0xFFFC) == 0) throw new CpuFault(vector, ext);
        fetchOrFault(d, ssSel, vector, ext);
        if ((ssSel & 3) != pl || !d.isWritableData() || d.dpl() != pl)
            throw new CpuFault(vector, err(ssSel, ext));
        if (!d.present()) throw new CpuFault(CpuFault.SS, err(ssSel, ext));
    }

    /** Loads CS from a checked code descriptor with RPL = {@code newCpl} and sets CPL. */
    void loadCs(Descriptor d, int sel, int newCpl) {
        setAccessed(d);
        d.loadInto(cpu.seg[Cpu.CS], (sel & 0xFFFC) | newCpl);
        cpu.cpl = newCpl;
    }

    void loadSs(Descriptor d, int sel) {
        setAccessed(d);
        d.loadInto(cpu.seg[Cpu.SS], sel);
    }

    /** #GP(0) unless {@code eip} lies within the code segment limit of {@code d}. */
    static void checkEip(Descriptor d, int eip) {
        if (Integer.compareUnsigned(eip, d.limit()) > 0) throw CpuFault.gp(0);
    }

    /**
     * After a return to an outer privilege level, data segments the new CPL may not use are
     * nulled (SDM Vol. 2 RET/IRET, "return to outer privilege level").
     */
    void nullInaccessibleDataSegments(int newCpl) {
        for (int sreg = 0; sreg < 6; sreg++) {
            if (sreg == Cpu.CS || sreg == Cpu.SS) continue;
            SegmentCache c = cpu.seg[sreg];
            if (!c.valid) continue;
            int a = c.attributes;
            boolean code = (a & 0x18) == 0x18;
            boolean conforming = code && (a & 4) != 0;
            if (!conforming && c.dpl() < newCpl) loadNull(sreg, 0);
        }
    }
}

package org.x86play.cpu.system;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.cpu.SegmentCache;

/**
 * Hardware task switching (SDM Vol. 3 ch. 7): saves the current state into the old TSS, loads
 * the new one, maintains busy bits, NT and the back link, and loads the new task's segments with
 * their checks raising #TS/#NP/#SS in the new task's context (SDM §7.3, Table 7-1).
 * Also reads the privileged stack pointers SSn:ESPn of the current TSS (SDM §7.2.1).
 */
final class TaskSwitch {
    static final int JMP = 0, CALL = 1, IRET = 2;

    private final Cpu cpu;
    private final Segments segments;
    private final Descriptor old = new Descriptor(), seg = new Descriptor();
    /** Incremented whenever a switch commits (exceptions after that belong to the new task). */
    int switchCount;
    /** ESPn read by the last {@link #readStackFromTss}. */
    int lastTssEsp;

    TaskSwitch(Cpu cpu, Segments segments) {
        this.cpu = cpu;
        this.segments = segments;
    }

    private boolean currentTss32() {
        return (cpu.tr.attributes & 8) != 0;
    }

    /** Returns SSn and leaves ESPn in {@link #lastTssEsp}; #TS(TR) if outside the TSS limit. */
    int readStackFromTss(int pl, int ext) {
        SegmentCache tr = cpu.tr;
        if (currentTss32()) {
            int off = 4 + pl * 8;
            if (Integer.compareUnsigned(off + 5, tr.limit) > 0) throw new CpuFault(CpuFault.TS, Segments.err(tr.selector, ext));
            lastTssEsp = cpu.readSystem32(tr.base + off);
            return cpu.readSystem16(tr.base + off + 4);
        }
        int off = 2 + pl * 4;
        if (Integer.compareUnsigned(off + 3, tr.limit) > 0) throw new CpuFault(CpuFault.TS, Segments.err(tr.selector, ext));
        lastTssEsp = cpu.readSystem16(tr.base + off);
        return cpu.readSystem16(tr.base + off + 2);
    }

    /**
     * Switches to the task whose (present, type-checked) TSS descriptor is {@code nd}.
     * @param returnEip the EIP saved in the outgoing TSS
     */
    void switchTo(int sel, Descriptor nd, int source, int returnEip, int ext) {
        boolean new32 = nd.isTss32();
        if (Integer.compareUnsigned(nd.limit(), new32 ? 0x67 : 0x2B) < 0)
            throw new CpuFault(CpuFault.TS, Segments.err(sel, ext));
        int nb = nd.base();

        // Read the whole new state first (faults here leave the old task intact).
        int[] r = new int[8];
        int[] s = new int[6];
        int eip, eflags, ldt, cr3 = 0;
        if (new32) {
            cr3 = cpu.readSystem32(nb + 0x1C);
            eip = cpu.readSystem32(nb + 0x20);
            eflags = cpu.readSystem32(nb + 0x24);
            for (int i = 0; i < 8; i++) r[i] = cpu.readSystem32(nb + 0x28 + 4 * i);
            for (int i = 0; i < 6; i++) s[i] = cpu.readSystem16(nb + 0x48 + 4 * i);
            ldt = cpu.readSystem16(nb + 0x60);
        } else {
            eip = cpu.readSystem16(nb + 0x0E);
            eflags = cpu.readSystem16(nb + 0x10);
            for (int i = 0; i < 8; i++) r[i] = (cpu.reg[i] & 0xFFFF0000) | cpu.readSystem16(nb + 0x12 + 2 * i);
            s[Cpu.FS] = cpu.seg[Cpu.FS].selector;   // a 16-bit TSS has no FS/GS: they stay
            s[Cpu.GS] = cpu.seg[Cpu.GS].selector;
            for (int i = 0; i < 4; i++) s[i] = cpu.readSystem16(nb + 0x22 + 2 * i);
            ldt = cpu.readSystem16(nb + 0x2A);
        }

        // Save the outgoing state (SDM §7.3 step 9).
        SegmentCache tr = cpu.tr;
        int ob = tr.base;
        int oldFlags = cpu.getEflags();
        if (source == IRET) oldFlags &= ~Cpu.NT;
        if (currentTss32()) {
            cpu.writeSystem32(ob + 0x20, returnEip);
            cpu.writeSystem32(ob + 0x24, oldFlags);
            for (int i = 0; i < 8; i++) cpu.writeSystem32(ob + 0x28 + 4 * i, cpu.reg[i]);
            for (int i = 0; i < 6; i++) cpu.writeSystem16(ob + 0x48 + 4 * i, cpu.seg[i].selector);
        } else {
            cpu.writeSystem16(ob + 0x0E, returnEip);
            cpu.writeSystem16(ob + 0x10, oldFlags);
            for (int i = 0; i < 8; i++) cpu.writeSystem16(ob + 0x12 + 2 * i, cpu.reg[i]);
            for (int i = 0; i < 4; i++) cpu.writeSystem16(ob + 0x22 + 2 * i, cpu.seg[i].selector);
        }
        if (source == JMP || source == IRET) {
            if (segments.fetch(old, tr.selector) && old.isTss()) segments.setBusy(old, false);
        }
        if (source == CALL) {
            cpu.writeSystem16(nb, tr.selector);   // back link
            eflags |= Cpu.NT;
        }
        if (source != IRET) segments.setBusy(nd, true);
        else nd.hi |= 0x200;

        // Commit: TR, CR0.TS, CR3, registers (SDM §7.3 steps 10-12).
        nd.loadInto(cpu.tr, sel);
        cpu.writeCr(0, cpu.cr0 | Cpu.CR0_TS);
        cpu.dr[7] &= ~0x55;   // local breakpoint enables L0-L3 are task-specific (SDM §17.2.4)
        if (new32 && (cpu.cr0 & Cpu.CR0_PG) != 0) cpu.writeCr(3, cr3);
        System.arraycopy(r, 0, cpu.reg, 0, 8);
        cpu.eip = eip;
        cpu.setEflags(new32 ? eflags : eflags & 0xFFFF);
        // The selectors are loaded first; descriptors are checked afterwards, in the new context.
        for (int i = 0; i < 6; i++) {
            SegmentCache c = cpu.seg[i];
            c.selector = s[i];
        }
        cpu.ldtr.selector = ldt;
        switchCount++;
        cpu.instructionStart = eip;

        if ((cpu.getEflags() & Cpu.VM) != 0) {
            loadLdt(ldt);
            for (int i = 0; i < 6; i++) segments.loadV86(i, s[i]);
            cpu.cpl = 3;
            return;
        }
        loadLdt(ldt);
        int csSel = s[Cpu.CS];
        if ((csSel & 0xFFFC) == 0) throw new CpuFault(CpuFault.TS, ext);
        segments.fetchOrFault(seg, csSel, CpuFault.TS, ext);
        if (!seg.isCode()) throw new CpuFault(CpuFault.TS, Segments.err(csSel, ext));
        if (seg.isConforming() ? seg.dpl() > (csSel & 3) : seg.dpl() != (csSel & 3))
            throw new CpuFault(CpuFault.TS, Segments.err(csSel, ext));
        if (!seg.present()) throw new CpuFault(CpuFault.NP, Segments.err(csSel, ext));
        segments.loadCs(seg, csSel, csSel & 3);
        int cpl = cpu.cpl;
        segments.checkNewStack(seg, s[Cpu.SS], cpl, CpuFault.TS, ext);
        segments.loadSs(seg, s[Cpu.SS]);
        int[] dataRegs = {Cpu.ES, Cpu.DS, Cpu.FS, Cpu.GS};
        for (int sreg : dataRegs) {
            int ds = s[sreg];
            if (!new32 && sreg >= Cpu.FS) continue;
            if ((ds & 0xFFFC) == 0) { segments.loadNull(sreg, ds); continue; }
            segments.fetchOrFault(seg, ds, CpuFault.TS, ext);
            if (!(seg.isData() || seg.isReadableCode())) throw new CpuFault(CpuFault.TS, Segments.err(ds, ext));
            if (seg.isDataOrNonConformingCode() && (seg.dpl() < cpl || seg.dpl() < (ds & 3)))
                throw new CpuFault(CpuFault.TS, Segments.err(ds, ext));
            if (!seg.present()) throw new CpuFault(CpuFault.NP, Segments.err(ds, ext));
            segments.setAccessed(seg);
            seg.loadInto(cpu.seg[sreg], ds);
        }
        if (Integer.compareUnsigned(cpu.eip, cpu.seg[Cpu.CS].limit) > 0) throw CpuFault.gp(0);
        // Debug trap flag of a 32-bit TSS: #DB before the new task's first instruction, DR6.BT (SDM §7.2.1, §17.2.3).
        if (new32 && (cpu.readSystem8(nb + 0x64) & 1) != 0) {
            cpu.dr[6] |= 0x8000;
            throw new CpuFault(CpuFault.DB);
        }
    }

    private void loadLdt(int ldt) {
        if ((ldt & 0xFFFC) == 0) {
            cpu.ldtr.set(ldt, 0, 0, 0);
            cpu.ldtr.valid = false;
            return;
        }
        if ((ldt & 4) != 0) throw new CpuFault(CpuFault.TS, ldt & 0xFFFC);
        if (!segments.fetch(seg, ldt) || seg.isSegment() || seg.type() != Descriptor.LDT)
            throw new CpuFault(CpuFault.TS, ldt & 0xFFFC);
        if (!seg.present()) throw new CpuFault(CpuFault.TS, ldt & 0xFFFC);
        seg.loadInto(cpu.ldtr, ldt);
    }
}

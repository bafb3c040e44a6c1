package org.x86play.cpu.system;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;

/**
 * Far JMP, CALL, RETF and IRET in every mode (SDM Vol. 2 JMP/CALL/RET/IRET pseudocode,
 * Vol. 3 §5.8 call gates, §7.3 task switches, §20.2.6 IRET in virtual-8086 mode).
 * All checks and stack accesses happen before any register changes, so a fault is restartable.
 */
final class FarTransfer {
    private final Cpu cpu;
    private final Segments segments;
    private final TaskSwitch tasks;
    private final Descriptor target = new Descriptor(), code = new Descriptor(), stackSeg = new Descriptor();
    private final StackCursor stack, newStack;

    FarTransfer(Cpu cpu, Segments segments, TaskSwitch tasks) {
        this.cpu = cpu;
        this.segments = segments;
        this.tasks = tasks;
        this.stack = new StackCursor(cpu);
        this.newStack = new StackCursor(cpu);
    }

    private boolean protectedNotV86() {
        return cpu.isProtected() && !cpu.isV86();
    }

    /** Real/V86 far transfers: #GP(0) for a target beyond the CS limit (64 KiB in V86 mode). */
    private void checkRealEip(int eip) {
        int limit = cpu.isV86() ? 0xFFFF : cpu.seg[Cpu.CS].limit;
        if (Integer.compareUnsigned(eip, limit) > 0) throw CpuFault.gp(0);
    }

    private void loadCsRealOrV86(int sel) {
        if (cpu.isV86()) segments.loadV86(Cpu.CS, sel);
        else segments.loadReal(Cpu.CS, sel);
    }

    // ---------------------------------------------------------------- JMP

    void jump(int sel, int offset, boolean op32) {
        sel &= 0xFFFF;
        if (!op32) offset &= 0xFFFF;
        if (!protectedNotV86()) {
            checkRealEip(offset);
            loadCsRealOrV86(sel);
            cpu.eip = offset;
            return;
        }
        if ((sel & 0xFFFC) == 0) throw CpuFault.gp(0);
        Descriptor d = target;
        segments.fetchOrFault(d, sel, CpuFault.GP, 0);
        int cpl = cpu.cpl, rpl = sel & 3;
        if (d.isCode()) {
            checkDirectCode(d, sel);
            Segments.checkEip(d, offset);
            segments.loadCs(d, sel, cpl);
            cpu.eip = offset;
            return;
        }
        switch (d.isSegment() ? -1 : d.type()) {
            case Descriptor.CALL_GATE16:
            case Descriptor.CALL_GATE32: {
                checkGate(d, sel);
                Descriptor c = gateTarget(d);
                if (c.isConforming() ? c.dpl() > cpl : c.dpl() != cpl) throw CpuFault.gp(c.selector & 0xFFFC);
                if (!c.present()) throw new CpuFault(CpuFault.NP, c.selector & 0xFFFC);
                int eip = d.gateOffset();
                Segments.checkEip(c, eip);
                segments.loadCs(c, c.selector, cpl);
                cpu.eip = eip;
                return;
            }
            case Descriptor.TASK_GATE:
                checkGate(d, sel);
                taskThroughGate(d, TaskSwitch.JMP, cpu.eip);
                return;
            case Descriptor.TSS16_AVAIL:
            case Descriptor.TSS32_AVAIL:
                if (d.dpl() < cpl || d.dpl() < rpl) throw CpuFault.gp(sel & 0xFFFC);
                if (!d.present()) throw new CpuFault(CpuFault.NP, sel & 0xFFFC);
                tasks.switchTo(sel, d, TaskSwitch.JMP, cpu.eip, 0);
                return;
            default:
                throw CpuFault.gp(sel & 0xFFFC);
        }
    }

    /** Direct transfer to a code segment (SDM §5.8.1). */
    private void checkDirectCode(Descriptor d, int sel) {
        int cpl = cpu.cpl;
        if (d.isConforming()) {
            if (d.dpl() > cpl) throw CpuFault.gp(sel & 0xFFFC);
        } else if ((sel & 3) > cpl || d.dpl() != cpl) {
            throw CpuFault.gp(sel & 0xFFFC);
        }
        if (!d.present()) throw new CpuFault(CpuFault.NP, sel & 0xFFFC);
    }

    /** Call gate or task gate privilege: DPL >= CPL and DPL >= RPL; present (SDM §5.8.4). */
    private void checkGate(Descriptor d, int sel) {
        if (d.dpl() < cpu.cpl || d.dpl() < (sel & 3)) throw CpuFault.gp(sel & 0xFFFC);
        if (!d.present()) throw new CpuFault(CpuFault.NP, sel & 0xFFFC);
    }

    /** Fetches and checks the code segment named by a call gate (DPL ≤ CPL checked by callers). */
    private Descriptor gateTarget(Descriptor gate) {
        int csSel = gate.gateSelector();
        if ((csSel & 0xFFFC) == 0) throw CpuFault.gp(0);
        Descriptor c = code;
        segments.fetchOrFault(c, csSel, CpuFault.GP, 0);
        if (!c.isCode() || c.dpl() > cpu.cpl) throw CpuFault.gp(csSel & 0xFFFC);
        return c;
    }

    private void taskThroughGate(Descriptor gate, int source, int returnEip) {
        int tssSel = gate.gateSelector();
        if ((tssSel & 4) != 0) throw CpuFault.gp(tssSel & 0xFFFC);
        Descriptor t = code;
        segments.fetchOrFault(t, tssSel, CpuFault.GP, 0);
        if (!t.isTss() || t.isTssBusy()) throw CpuFault.gp(tssSel & 0xFFFC);
        if (!t.present()) throw new CpuFault(CpuFault.NP, tssSel & 0xFFFC);
        tasks.switchTo(tssSel, t, source, returnEip, 0);
    }

    // ---------------------------------------------------------------- CALL

    void call(int sel, int offset, boolean op32, int returnEip) {
        sel &= 0xFFFF;
        if (!op32) offset &= 0xFFFF;
        if (!protectedNotV86()) {
            checkRealEip(offset);
            StackCursor s = stack.current();
            s.push(cpu.seg[Cpu.CS].selector, op32);
            s.push(returnEip, op32);
            s.commit();
            loadCsRealOrV86(sel);
            cpu.eip = offset;
            return;
        }
        if ((sel & 0xFFFC) == 0) throw CpuFault.gp(0);
        Descriptor d = target;
        segments.fetchOrFault(d, sel, CpuFault.GP, 0);
        int cpl = cpu.cpl;
        if (d.isCode()) {
            checkDirectCode(d, sel);
            StackCursor s = stack.current();
            s.push(cpu.seg[Cpu.CS].selector, op32);
            s.push(returnEip, op32);
            Segments.checkEip(d, offset);
            segments.loadCs(d, sel, cpl);
            s.commit();
            cpu.eip = offset;
            return;
        }
        switch (d.isSegment() ? -1 : d.type()) {
            case Descriptor.CALL_GATE16:
            case Descriptor.CALL_GATE32:
                checkGate(d, sel);
                callGate(d, returnEip);
                return;
            case Descriptor.TASK_GATE:
                checkGate(d, sel);
                taskThroughGate(d, TaskSwitch.CALL, returnEip);
                return;
            case Descriptor.TSS16_AVAIL:
            case Descriptor.TSS32_AVAIL:
                if (d.dpl() < cpl || d.dpl() < (sel & 3)) throw CpuFault.gp(sel & 0xFFFC);
                if (!d.present()) throw new CpuFault(CpuFault.NP, sel & 0xFFFC);
                tasks.switchTo(sel, d, TaskSwitch.CALL, returnEip, 0);
                return;
            default:
                throw CpuFault.gp(sel & 0xFFFC);
        }
    }

    /** CALL through a call gate, to the same or a more privileged level (SDM §5.8.5, §5.8.6). */
    private void callGate(Descriptor gate, int returnEip) {
        Descriptor c = gateTarget(gate);
        int csSel = c.selector;
        if (!c.present()) throw new CpuFault(CpuFault.NP, csSel & 0xFFFC);
        boolean g32 = gate.gateIs32();
        int eip = gate.gateOffset();
        int cpl = cpu.cpl;
        int oldCs = cpu.seg[Cpu.CS].selector;
        if (!c.isConforming() && c.dpl() < cpl) {
            int newCpl = c.dpl();
            int newSs = tasks.readStackFromTss(newCpl, 0);
            int newEsp = tasks.lastTssEsp;
            segments.checkNewStack(stackSeg, newSs, newCpl, CpuFault.TS, 0);
            StackCursor ns = newStack.of(stackSeg, newEsp, newCpl, newSs & 0xFFFC);
            StackCursor old = stack.current();
            ns.push(cpu.seg[Cpu.SS].selector, g32);
            ns.push(old.esp, g32);
            int n = gate.gateParamCount();
            for (int i = n - 1; i >= 0; i--) {
                ns.push(g32 ? old.peek32(4 * i) : old.peek16(2 * i), g32);
            }
            ns.push(oldCs, g32);
            ns.push(returnEip, g32);
            Segments.checkEip(c, eip);
            segments.loadSs(stackSeg, (newSs & 0xFFFC) | newCpl);
            segments.loadCs(c, csSel, newCpl);
            ns.commit();
        } else {
            StackCursor s = stack.current();
            s.push(oldCs, g32);
            s.push(returnEip, g32);
            Segments.checkEip(c, eip);
            segments.loadCs(c, csSel, cpl);
            s.commit();
        }
        cpu.eip = eip;
    }

    // ---------------------------------------------------------------- RETF

    void ret(boolean op32, int popBytes) {
        int size = op32 ? 4 : 2;
        StackCursor s = stack.current();
        if (!protectedNotV86()) {
            int eip = s.pop(op32);
            int cs = s.pop(op32) & 0xFFFF;
            s.skip(popBytes);
            checkRealEip(op32 ? eip : eip & 0xFFFF);
            s.commit();
            loadCsRealOrV86(cs);
            cpu.eip = op32 ? eip : eip & 0xFFFF;
            return;
        }
        int eip = op32 ? s.peek32(0) : s.peek16(0);
        int csSel = (op32 ? s.peek32(4) : s.peek16(2)) & 0xFFFF;
        Descriptor c = checkReturnCode(csSel);
        int rpl = csSel & 3;
        if (rpl == cpu.cpl) {
            Segments.checkEip(c, eip);
            s.skip(2 * size + popBytes);
            segments.loadCs(c, csSel, rpl);
            s.commit();
            cpu.eip = eip;
            return;
        }
        // Return to an outer privilege level: SS:ESP follow the parameters.
        int newEsp = op32 ? s.peek32(2 * size + popBytes) : s.peek16(2 * size + popBytes);
        int ssSel = (op32 ? s.peek32(3 * size + popBytes) : s.peek16(3 * size + popBytes)) & 0xFFFF;
        segments.checkNewStack(stackSeg, ssSel, rpl, CpuFault.GP, 0);
        Segments.checkEip(c, eip);
        segments.loadCs(c, csSel, rpl);
        segments.loadSs(stackSeg, ssSel);
        boolean big = cpu.seg[Cpu.SS].is32();
        int esp = op32 ? newEsp : (cpu.reg[Cpu.ESP] & 0xFFFF0000) | (newEsp & 0xFFFF);
        cpu.reg[Cpu.ESP] = big ? esp + popBytes : (esp & 0xFFFF0000) | ((esp + popBytes) & 0xFFFF);
        cpu.eip = eip;
        segments.nullInaccessibleDataSegments(rpl);
    }

    /** CS checks of RETF/IRET (SDM Vol. 2 RET "return to other privilege level"). */
    private Descriptor checkReturnCode(int csSel) {
        if ((csSel & 0xFFFC) == 0) throw CpuFault.gp(0);
        Descriptor c = code;
        segments.fetchOrFault(c, csSel, CpuFault.GP, 0);
        int rpl = csSel & 3;
        if (!c.isCode() || rpl < cpu.cpl) throw CpuFault.gp(csSel & 0xFFFC);
        if (c.isConforming() ? c.dpl() > rpl : c.dpl() != rpl) throw CpuFault.gp(csSel & 0xFFFC);
        if (!c.present()) throw new CpuFault(CpuFault.NP, csSel & 0xFFFC);
        return c;
    }

    // ---------------------------------------------------------------- IRET

    void iret(boolean op32) {
        if (!cpu.isProtected()) { iretReal(op32); return; }
        int eflags = cpu.getEflags();
        if ((eflags & Cpu.VM) != 0) { iretV86(op32, eflags); return; }
        if ((eflags & Cpu.NT) != 0) { iretTask(); return; }

        int size = op32 ? 4 : 2;
        StackCursor s = stack.current();
        int eip = op32 ? s.peek32(0) : s.peek16(0);
        int csSel = (op32 ? s.peek32(4) : s.peek16(2)) & 0xFFFF;
        int tmpFlags = op32 ? s.peek32(8) : s.peek16(4);
        int oldCpl = cpu.cpl;
        if (op32 && (tmpFlags & Cpu.VM) != 0 && oldCpl == 0) { iretToV86(s, eip, csSel, tmpFlags); return; }

        Descriptor c = checkReturnCode(csSel);
        int rpl = csSel & 3;
        int newFlags = iretFlags(eflags, tmpFlags, op32, oldCpl);
        if (rpl == oldCpl) {
            Segments.checkEip(c, eip);
            s.skip(3 * size);
            segments.loadCs(c, csSel, rpl);
            s.commit();
        } else {
            int newEsp = op32 ? s.peek32(12) : s.peek16(6);
            int ssSel = (op32 ? s.peek32(16) : s.peek16(8)) & 0xFFFF;
            segments.checkNewStack(stackSeg, ssSel, rpl, CpuFault.GP, 0);
            Segments.checkEip(c, eip);
            segments.loadCs(c, csSel, rpl);
            segments.loadSs(stackSeg, ssSel);
            cpu.reg[Cpu.ESP] = op32 ? newEsp : (cpu.reg[Cpu.ESP] & 0xFFFF0000) | (newEsp & 0xFFFF);
            segments.nullInaccessibleDataSegments(rpl);
        }
        cpu.eip = op32 ? eip : eip & 0xFFFF;
        cpu.setEflags(newFlags);
    }

    /** EFLAGS image after a protected-mode IRET, privilege-filtered by the old CPL (SDM Vol. 2 IRET). */
    private static int iretFlags(int eflags, int tmp, boolean op32, int cpl) {
        int mask = Cpu.CF | Cpu.PF | Cpu.AF | Cpu.ZF | Cpu.SF | Cpu.TF | Cpu.DF | Cpu.OF | Cpu.NT;
        if (op32) mask |= Cpu.RF | Cpu.AC | Cpu.ID;
        int iopl = (eflags & Cpu.IOPL) >> 12;
        if (cpl <= iopl) mask |= Cpu.IF;
        if (cpl == 0) {
            mask |= Cpu.IOPL;
            if (op32) mask |= Cpu.VIF | Cpu.VIP;
        }
        return (eflags & ~mask) | (tmp & mask);
    }

    private void iretReal(boolean op32) {
        StackCursor s = stack.current();
        int eip = s.pop(op32);
        int cs = s.pop(op32) & 0xFFFF;
        int f = s.pop(op32);
        checkRealEip(op32 ? eip : eip & 0xFFFF);
        s.commit();
        segments.loadReal(Cpu.CS, cs);
        int eflags = cpu.getEflags();
        if (op32) {
            cpu.eip = eip;
            cpu.setEflags((f & 0x257FD5) | (eflags & 0x1A0000));
        } else {
            cpu.eip = eip & 0xFFFF;
            cpu.setEflags((eflags & 0xFFFF0000) | (f & 0xFFFF));
        }
    }

    /** IRET in virtual-8086 mode: allowed only with IOPL = 3 (no VME), VM and IOPL kept (SDM §20.2.7). */
    private void iretV86(boolean op32, int eflags) {
        if ((eflags & Cpu.IOPL) != Cpu.IOPL) throw CpuFault.gp(0);
        StackCursor s = stack.current();
        int eip = s.pop(op32);
        int cs = s.pop(op32) & 0xFFFF;
        int f = s.pop(op32);
        if (op32 && Integer.compareUnsigned(eip, 0xFFFF) > 0) throw CpuFault.gp(0);
        s.commit();
        segments.loadV86(Cpu.CS, cs);
        cpu.eip = eip & 0xFFFF;
        if (op32) {
            int keep = Cpu.VM | Cpu.IOPL | Cpu.VIP | Cpu.VIF;
            cpu.setEflags((eflags & keep) | (f & ~keep & 0x3F7FD7));
        } else {
            cpu.setEflags((eflags & 0xFFFF0000) | (eflags & Cpu.IOPL) | (f & 0xFFFF & ~Cpu.IOPL));
        }
    }

    /** IRETD from CPL 0 with VM set in the popped EFLAGS (SDM Vol. 2 IRET, RETURN-TO-VIRTUAL-8086-MODE). */
    private void iretToV86(StackCursor s, int eip, int csSel, int tmpFlags) {
        int esp = s.peek32(12);
        int ss = s.peek32(16), es = s.peek32(20), ds = s.peek32(24), fs = s.peek32(28), gs = s.peek32(32);
        cpu.setEflags(tmpFlags);
        segments.loadV86(Cpu.CS, csSel);
        segments.loadV86(Cpu.SS, ss);
        segments.loadV86(Cpu.ES, es);
        segments.loadV86(Cpu.DS, ds);
        segments.loadV86(Cpu.FS, fs);
        segments.loadV86(Cpu.GS, gs);
        cpu.reg[Cpu.ESP] = esp;
        cpu.eip = eip & 0xFFFF;
        cpu.cpl = 3;
    }

    /** IRET with NT set: return to the task in the back link (SDM §7.3, §7.4). */
    private void iretTask() {
        int link = cpu.readSystem16(cpu.tr.base);
        if ((link & 4) != 0) throw new CpuFault(CpuFault.TS, link & 0xFFFC);
        Descriptor t = target;
        segments.fetchOrFault(t, link, CpuFault.TS, 0);
        if (!t.isTssBusy()) throw new CpuFault(CpuFault.TS, link & 0xFFFC);
        if (!t.present()) throw new CpuFault(CpuFault.NP, link & 0xFFFC);
        tasks.switchTo(link, t, TaskSwitch.IRET, cpu.eip, 0);
    }
}

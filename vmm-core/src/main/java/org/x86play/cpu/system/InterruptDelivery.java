package org.x86play.cpu.system;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.cpu.TripleFault;

/**
 * Interrupt and exception delivery through the real-mode IVT (SDM Vol. 3 §20.1.4) and the
 * protected-mode IDT (SDM Vol. 3 §6.10-6.12, §20.3), with the double-fault rules of Table 6-5.
 */
final class InterruptDelivery {
    private final Cpu cpu;
    private final Segments segments;
    private final TaskSwitch tasks;
    private final Descriptor gate = new Descriptor(), code = new Descriptor(), stackSeg = new Descriptor(),
            tss = new Descriptor();
    private final StackCursor stack;
    /** Set while delivering a fault-class exception: the pushed EFLAGS image gets RF = 1. */
    private boolean pushRf;

    InterruptDelivery(Cpu cpu, Segments segments, TaskSwitch tasks) {
        this.cpu = cpu;
        this.segments = segments;
        this.tasks = tasks;
        this.stack = new StackCursor(cpu);
    }

    /** INT n (intN = true, IOPL-sensitive in V86 mode), INT3, INTO (SDM Vol. 2 INT n). */
    void software(int vector, int nextEip, boolean intN) {
        if (cpu.isV86() && intN && ((cpu.getEflags() & Cpu.IOPL) >> 12) < 3) throw CpuFault.gp(0);
        pushRf = false;
        deliver(vector & 0xFF, nextEip, true, false, 0, 0);
    }

    void external(int vector) {
        cpu.halted = false;
        int returnEip = cpu.eip;
        int switches = tasks.switchCount;
        pushRf = false;
        try {
            deliver(vector & 0xFF, returnEip, false, false, 0, 1);
        } catch (CpuFault f) {
            // After a committed task switch the fault belongs to the new task (SDM §7.3).
            exception(f, tasks.switchCount != switches ? cpu.eip : returnEip);
        }
    }

    private static final int BENIGN = 0, CONTRIBUTORY = 1, PAGE_FAULT = 2;

    /**
     * Fault-class exceptions push EFLAGS with RF = 1 so that the faulting instruction can be
     * restarted without re-triggering an instruction breakpoint (SDM Vol. 3 §17.3.1.1). #DB is
     * excluded: this core raises it only as a trap (single step), and for instruction breakpoints
     * the SDM also pushes RF unchanged.
     */
    private static boolean isFault(int vector) {
        switch (vector) {
            case CpuFault.DE: case CpuFault.BR: case CpuFault.UD: case CpuFault.NM: case CpuFault.TS:
            case CpuFault.NP: case CpuFault.SS: case CpuFault.GP: case CpuFault.PF: case CpuFault.MF:
            case CpuFault.AC: case CpuFault.XM:
                return true;
            default:
                return false;
        }
    }

    private static int classOf(int vector) {
        if (vector == CpuFault.DE || (vector >= CpuFault.TS && vector <= CpuFault.GP)) return CONTRIBUTORY;
        return vector == CpuFault.PF ? PAGE_FAULT : BENIGN;
    }

    /**
     * Delivers an exception; a second exception during delivery is handled serially or becomes a
     * double fault (SDM Table 6-5); a fault while delivering #DF shuts the processor down.
     */
    void exception(CpuFault fault, int returnEip) {
        cpu.halted = false;
        CpuFault current = fault;
        while (true) {
            int switches = tasks.switchCount;
            try {
                if (current.vector == CpuFault.PF) cpu.cr2 = cpu.mmu.faultAddress;
                pushRf = isFault(current.vector);
                deliver(current.vector, returnEip, false, CpuFault.pushesErrorCode(current.vector),
                        current.hasErrorCode ? current.errorCode : 0, 1);
                pushRf = false;
                return;
            } catch (CpuFault second) {
                pushRf = false;
                // CR2 takes the address of every page fault detected, even one that becomes #DF.
                if (second.vector == CpuFault.PF) cpu.cr2 = cpu.mmu.faultAddress;
                if (current.vector == CpuFault.DF)
                    throw new TripleFault("fault " + second.getMessage() + " while delivering #DF");
                // A fault after a task switch committed belongs to the new task (SDM §7.3).
                if (tasks.switchCount != switches) returnEip = cpu.eip;
                int c1 = classOf(current.vector), c2 = classOf(second.vector);
                boolean dbl = (c1 == CONTRIBUTORY && c2 == CONTRIBUTORY)
                        || (c1 == PAGE_FAULT && (c2 == CONTRIBUTORY || c2 == PAGE_FAULT));
                current = dbl ? new CpuFault(CpuFault.DF, 0) : second;
            }
        }
    }

    /**
     * Delivers one event. {@code ext} is the EXT bit of error codes raised during delivery
     * (1 for exceptions and hardware interrupts, 0 for INT n).
     */
    private void deliver(int vector, int returnEip, boolean software, boolean hasError, int error, int ext) {
        if (!cpu.isProtected()) deliverReal(vector, returnEip);
        else deliverProtected(vector, returnEip, software, hasError, error, ext);
    }

    /** Real-address mode: push FLAGS, CS, IP; clear IF, TF, AC; jump through the IVT (SDM Vol. 2 INT n). */
    private void deliverReal(int vector, int returnEip) {
        int entry = vector << 2;
        if (Integer.compareUnsigned(entry + 3, cpu.idtr.limit) > 0) throw CpuFault.gp(0);
        StackCursor s = stack.current();
        int flags = cpu.getEflags();
        s.push16(flags);
        s.push16(cpu.seg[Cpu.CS].selector);
        s.push16(returnEip);
        int ip = cpu.readSystem16(cpu.idtr.base + entry);
        int cs = cpu.readSystem16(cpu.idtr.base + entry + 2);
        s.commit();
        cpu.setEflags(flags & ~(Cpu.IF | Cpu.TF | Cpu.AC));
        cpu.seg[Cpu.CS].loadReal(cs);
        cpu.eip = ip;
    }

    private void deliverProtected(int vector, int returnEip, boolean software, boolean hasError, int error, int ext) {
        int idtError = (vector << 3) | 2 | ext;
        if (Integer.compareUnsigned((vector << 3) + 7, cpu.idtr.limit) > 0) throw CpuFault.gp(idtError);
        Descriptor g = gate;
        g.address = cpu.idtr.base + (vector << 3);
        g.lo = cpu.readSystem32(g.address);
        g.hi = cpu.readSystem32(g.address + 4);
        int type = g.type();
        boolean gateType = type == Descriptor.TASK_GATE || type == Descriptor.INT_GATE16 || type == Descriptor.TRAP_GATE16
                || type == Descriptor.INT_GATE32 || type == Descriptor.TRAP_GATE32;
        if (g.isSegment() || !gateType) throw CpuFault.gp(idtError);
        if (software && g.dpl() < cpu.cpl) throw CpuFault.gp(idtError);
        if (!g.present()) throw new CpuFault(CpuFault.NP, idtError);

        if (type == Descriptor.TASK_GATE) {
            deliverThroughTaskGate(g.gateSelector(), returnEip, hasError, error, ext);
            return;
        }

        int csSel = g.gateSelector();
        if ((csSel & 0xFFFC) == 0) throw CpuFault.gp(ext);
        Descriptor c = code;
        segments.fetchOrFault(c, csSel, CpuFault.GP, ext);
        if (!c.isCode() || c.dpl() > cpu.cpl) throw CpuFault.gp(Segments.err(csSel, ext));
        if (!c.present()) throw new CpuFault(CpuFault.NP, Segments.err(csSel, ext));

        boolean g32 = g.gateIs32();
        int offset = g.gateOffset();
        int oldFlags = cpu.getEflags();
        boolean v86 = (oldFlags & Cpu.VM) != 0;
        int oldSs = cpu.seg[Cpu.SS].selector, oldEsp = cpu.reg[Cpu.ESP];
        int newCpl;
        int newSs = 0;
        StackCursor s;
        boolean switchStack = !c.isConforming() && c.dpl() < cpu.cpl;
        if (switchStack) {
            newCpl = c.dpl();
            // From V86 mode only a ring-0 non-conforming handler is allowed (SDM §20.3.1.1).
            if (v86 && newCpl != 0) throw CpuFault.gp(Segments.err(csSel, ext));
            newSs = tasks.readStackFromTss(newCpl, ext);
            int newEsp = tasks.lastTssEsp;
            segments.checkNewStack(stackSeg, newSs, newCpl, CpuFault.TS, ext);
            s = stack.of(stackSeg, newEsp, newCpl, Segments.err(newSs, ext));
            if (v86) {
                s.push(cpu.seg[Cpu.GS].selector, g32);
                s.push(cpu.seg[Cpu.FS].selector, g32);
                s.push(cpu.seg[Cpu.DS].selector, g32);
                s.push(cpu.seg[Cpu.ES].selector, g32);
            }
            s.push(oldSs, g32);
            s.push(oldEsp, g32);
        } else {
            if (v86) throw CpuFault.gp(Segments.err(csSel, ext));
            newCpl = cpu.cpl;
            s = stack.current();
            s.ssError = ext;
        }
        s.push(pushRf ? oldFlags | Cpu.RF : oldFlags, g32);
        s.push(cpu.seg[Cpu.CS].selector, g32);
        s.push(returnEip, g32);
        if (hasError) s.push(error, g32);
        if (Integer.compareUnsigned(offset, c.limit()) > 0) throw CpuFault.gp(ext);

        // Commit.
        if (switchStack) segments.loadSs(stackSeg, (newSs & 0xFFFC) | newCpl);
        if (v86) {
            segments.loadNull(Cpu.GS, 0);
            segments.loadNull(Cpu.FS, 0);
            segments.loadNull(Cpu.DS, 0);
            segments.loadNull(Cpu.ES, 0);
        }
        segments.loadCs(c, csSel, newCpl);
        s.commit();
        cpu.eip = offset;
        int clear = Cpu.TF | Cpu.NT | Cpu.RF | Cpu.VM;
        if ((type & 1) == 0) clear |= Cpu.IF;   // interrupt gate (SDM §6.12.1.3)
        cpu.setEflags(oldFlags & ~clear);
    }

    private void deliverThroughTaskGate(int tssSel, int returnEip, boolean hasError, int error, int ext) {
        if ((tssSel & 4) != 0) throw CpuFault.gp(Segments.err(tssSel, ext));
        Descriptor t = tss;
        segments.fetchOrFault(t, tssSel, CpuFault.GP, ext);
        if (!t.isTss() || t.isTssBusy()) throw CpuFault.gp(Segments.err(tssSel, ext));
        if (!t.present()) throw new CpuFault(CpuFault.NP, Segments.err(tssSel, ext));
        tasks.switchTo(tssSel, t, TaskSwitch.CALL, returnEip, ext);
        if (hasError) {
            // The error code goes on the new task's stack (SDM §6.12.2).
            StackCursor s = stack.current();
            s.push(error, t.isTss32());
            s.commit();
        }
    }
}

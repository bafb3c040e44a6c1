package org.x86play.cpu.system;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.cpu.CpuId;

/**
 * Protected-mode system architecture (SDM Vol. 3 ch. 2-7, 20): segment loads with their checks,
 * far control transfers through call gates and task gates, interrupt/exception delivery, hardware
 * task switching, I/O permission, and the system-register instructions.
 * <p>
 * The interpreter evaluates operands and calls these methods with plain values; every method works
 * in real, protected and virtual-8086 mode. Conventions for callers:
 * <ul>
 *   <li>{@code cpu.eip} holds the address of the NEXT instruction when {@link #jumpFar},
 *       {@link #returnFar} and {@link #iret} are called (a task switch saves it in the old TSS);</li>
 *   <li>{@code cpu.instructionStart} holds the faulting instruction's address for
 *       {@link #deliverException(CpuFault)};</li>
 *   <li>methods either complete or throw a {@link CpuFault} with ESP/CS/EIP unchanged (the caller
 *       then delivers it); a task switch that faults after committing leaves the new task's state
 *       (and sets {@code cpu.instructionStart} to the new task's EIP).</li>
 * </ul>
 */
public final class SystemUnit {
    private final Cpu cpu;
    private final Segments segments;
    private final TaskSwitch tasks;
    private final FarTransfer far;
    private final InterruptDelivery interrupts;
    private final SystemRegisters registers;
    private final ModelSpecific msrs;
    private final Descriptor scratch = new Descriptor();

    public SystemUnit(Cpu cpu) {
        this.cpu = cpu;
        this.segments = new Segments(cpu);
        this.tasks = new TaskSwitch(cpu, segments);
        this.far = new FarTransfer(cpu, segments, tasks);
        this.interrupts = new InterruptDelivery(cpu, segments, tasks);
        this.registers = new SystemRegisters(cpu, segments);
        this.msrs = new ModelSpecific(cpu);
    }

    /**
     * MOV/POP Sreg, LDS/LES/LFS/LGS/LSS: load a data or stack segment register with all checks.
     * ({@code sreg} = CS raises #UD.) Real mode: base = selector*16; V86: also 64 KiB limit, DPL 3.
     */
    public void loadSegment(int sreg, int selector) {
        segments.load(sreg, selector, scratch);
    }

    /** JMP FAR ptr16:16/32 or m16:16/32 (direct, call gate, task gate, TSS). */
    public void jumpFar(int selector, int offset, boolean op32) {
        int switches = tasks.switchCount;
        try {
            far.jump(selector, offset, op32);
        } catch (CpuFault f) {
            afterTaskSwitchFault(f, switches);
        }
    }

    /** CALL FAR; {@code returnEip} is the address of the next instruction. */
    public void callFar(int selector, int offset, boolean op32, int returnEip) {
        int switches = tasks.switchCount;
        try {
            far.call(selector, offset, op32, returnEip);
        } catch (CpuFault f) {
            afterTaskSwitchFault(f, switches);
        }
    }

    /** RETF [imm16]: {@code popBytes} is the immediate. */
    public void returnFar(boolean op32, int popBytes) {
        far.ret(op32, popBytes & 0xFFFF);
    }

    /** IRET/IRETD, including returns to virtual-8086 mode and nested-task returns. */
    public void iret(boolean op32) {
        int switches = tasks.switchCount;
        try {
            far.iret(op32);
        } catch (CpuFault f) {
            afterTaskSwitchFault(f, switches);
        }
    }

    /**
     * A fault raised after a task switch committed belongs to the new task (SDM Vol. 3 §7.3,
     * Table 7-1): it is delivered here, returning to the new task's first instruction, and the
     * instruction that switched counts as completed. Earlier faults propagate to the caller.
     */
    private void afterTaskSwitchFault(CpuFault f, int switchesBefore) {
        if (tasks.switchCount == switchesBefore) throw f;
        interrupts.exception(f, cpu.eip);
    }

    /** Number of committed task switches (a fault after a switch leaves the new task's state). */
    public int taskSwitchCount() {
        return tasks.switchCount;
    }

    /** INT n (CD ib): software interrupt; gate DPL checked, IOPL-sensitive in V86 mode. */
    public void softwareInterrupt(int vector, int nextEip) {
        softwareInterrupt(vector, nextEip, true);
    }

    /**
     * INT n with {@code intN = true}; INT3 (CC) and INTO with {@code intN = false}: those are
     * not IOPL-sensitive in V86 mode (SDM Vol. 3 §20.3.1.1) but still check the gate DPL.
     */
    public void softwareInterrupt(int vector, int nextEip, boolean intN) {
        int switches = tasks.switchCount;
        try {
            interrupts.software(vector, nextEip, intN);
        } catch (CpuFault f) {
            afterTaskSwitchFault(f, switches);
        }
    }

    /**
     * Delivers a fault raised while executing the instruction at {@code cpu.instructionStart}
     * (returns to it). Handles contributory/benign classes and double fault; throws
     * {@link org.x86play.cpu.TripleFault} on shutdown. Sets CR2 for #PF from {@code cpu.mmu}.
     */
    public void deliverException(CpuFault fault) {
        interrupts.exception(fault, cpu.instructionStart);
    }

    /** Delivers an exception with an explicit return address (traps such as single-step #DB: next EIP). */
    public void deliverException(CpuFault fault, int returnEip) {
        interrupts.exception(fault, returnEip);
    }

    /** Delivers an external (hardware) interrupt vector with the current EIP as return address. */
    public void deliverExternalInterrupt(int vector) {
        interrupts.external(vector);
    }

    /**
     * IN/OUT/INS/OUTS permission (SDM Vol. 1 §19.5): in protected mode with CPL &gt; IOPL, or in
     * V86 mode, every bit of the port range in the 32-bit TSS's I/O bitmap must be clear; else #GP(0).
     */
    public void checkIoPermission(int port, int size) {
        if (!cpu.isProtected()) return;
        int eflags = cpu.getEflags();
        if ((eflags & Cpu.VM) == 0 && cpu.cpl <= ((eflags & Cpu.IOPL) >> 12)) return;
        org.x86play.cpu.SegmentCache tr = cpu.tr;
        int type = tr.attributes & 0xF;
        if ((type != Descriptor.TSS32_BUSY && type != Descriptor.TSS32_AVAIL) || Integer.compareUnsigned(tr.limit, 0x67) < 0)
            throw CpuFault.gp(0);
        int mapBase = cpu.readSystem16(tr.base + 0x66);
        int byteOffset = mapBase + ((port & 0xFFFF) >>> 3);
        if (Integer.compareUnsigned(byteOffset + 1, tr.limit) > 0) throw CpuFault.gp(0);
        int bits = cpu.readSystem16(tr.base + byteOffset);
        int mask = ((1 << size) - 1) << (port & 7);
        if ((bits & mask) != 0) throw CpuFault.gp(0);
    }

    /** Writes CR0 (MOV CR0, LMSW, CLTS) with its checks; updates CPL/mode state. */
    public void writeCr0(int value) { registers.writeCr0(value); }

    /** MOV CR4 with its checks: only bits of implemented features may be set, else #GP(0). */
    public void writeCr4(int value) { registers.writeCr4(value); }

    /** LGDT: {@code base} already truncated to 24 bits by the caller for a 16-bit operand. */
    public void lgdt(int base, int limit) { registers.lgdt(base, limit); }
    public void lidt(int base, int limit) { registers.lidt(base, limit); }

    /** LGDT with the operand size: a 16-bit operand uses a 24-bit base (SDM Vol. 2 LGDT). */
    public void lgdt(int base, int limit, boolean op32) { registers.lgdt(op32 ? base : base & 0xFFFFFF, limit); }
    public void lidt(int base, int limit, boolean op32) { registers.lidt(op32 ? base : base & 0xFFFFFF, limit); }

    public void lldt(int selector) { registers.lldt(selector); }
    public void ltr(int selector) { registers.ltr(selector); }

    /** LAR: returns the access rights (descriptor high dword AND 00FFFF00h), or -1; see {@link #lastAccessOk()}. */
    public int lar(int selector) { return registers.lar(selector); }
    /** LSL: returns the byte-granular limit; ZF via {@link #lastAccessOk()}. */
    public int lsl(int selector) { return registers.lsl(selector); }
    public boolean verr(int selector) { return registers.verr(selector); }
    public boolean verw(int selector) { return registers.verw(selector); }
    /** Whether the last LAR/LSL/VERR/VERW found an accessible descriptor (the ZF result). */
    public boolean lastAccessOk() { return registers.lastAccessOk; }

    public void cpuid() { CpuId.execute(cpu); }
    public void rdmsr() { msrs.rdmsr(); }
    public void wrmsr() { msrs.wrmsr(); }
    public void rdtsc() { msrs.rdtsc(); }
    public void sysenter() { msrs.sysenter(); }
    public void sysexit() { msrs.sysexit(); }
}

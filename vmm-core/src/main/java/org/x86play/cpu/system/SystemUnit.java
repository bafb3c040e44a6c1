package org.x86play.cpu.system;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;

/**
 * Protected-mode system architecture (SDM Vol. 3 ch. 2-7, 20): segment loads with their checks,
 * far control transfers through call gates and task gates, interrupt/exception delivery, hardware
 * task switching, I/O permission, and the system-register instructions.
 * <p>
 * The interpreter evaluates operands and calls these methods with plain values; every method works
 * in real, protected and virtual-8086 mode. OWNER: cpu-system helper. Bodies are placeholders.
 */
public final class SystemUnit {
    private final Cpu cpu;

    public SystemUnit(Cpu cpu) {
        this.cpu = cpu;
    }

    /** MOV/POP Sreg, LDS/LES/LFS/LGS/LSS: load a data or stack segment register with all checks. */
    public void loadSegment(int sreg, int selector) { todo(); }

    /** JMP FAR ptr16:16/32 or m16:16/32 (direct, call gate, task gate, TSS). */
    public void jumpFar(int selector, int offset, boolean op32) { todo(); }

    /** CALL FAR; {@code returnEip} is the address of the next instruction. */
    public void callFar(int selector, int offset, boolean op32, int returnEip) { todo(); }

    /** RETF [imm16]: {@code popBytes} is the immediate. */
    public void returnFar(boolean op32, int popBytes) { todo(); }

    /** IRET/IRETD, including returns to virtual-8086 mode and nested-task returns. */
    public void iret(boolean op32) { todo(); }

    /** INT n / INT3 / INTO (software: gate DPL and, in V86 mode, IOPL checks apply). */
    public void softwareInterrupt(int vector, int nextEip) { todo(); }

    /**
     * Delivers a fault/trap raised while executing the instruction at {@code cpu.instructionStart}
     * (returns to it for faults). Handles contributory/benign classes and double fault; throws
     * {@link org.x86play.cpu.TripleFault} on shutdown. Sets CR2 for #PF from {@code cpu.mmu}.
     */
    public void deliverException(CpuFault fault) { todo(); }

    /** Delivers an external (hardware) interrupt vector with the current EIP as return address. */
    public void deliverExternalInterrupt(int vector) { todo(); }

    /** IN/OUT/INS/OUTS permission: CPL &gt; IOPL or V86 mode consult the TSS I/O bitmap; throws #GP(0). */
    public void checkIoPermission(int port, int size) { todo(); }

    /** Writes CR0 (MOV CR0, LMSW, CLTS) with its checks; updates CPL/mode state. */
    public void writeCr0(int value) { todo(); }

    public void lgdt(int base, int limit) { todo(); }
    public void lidt(int base, int limit) { todo(); }
    public void lldt(int selector) { todo(); }
    public void ltr(int selector) { todo(); }

    /** LAR: returns the access rights dword, or -1 (and ZF=0 by the caller) if not accessible. */
    public int lar(int selector) { todo(); return -1; }
    /** LSL: returns the scaled limit, or {@code null}-equivalent via {@link #lastAccessOk()}. */
    public int lsl(int selector) { todo(); return 0; }
    public boolean verr(int selector) { todo(); return false; }
    public boolean verw(int selector) { todo(); return false; }
    /** Whether the last LAR/LSL found an accessible descriptor (ZF result). */
    public boolean lastAccessOk() { return false; }

    public void cpuid() { todo(); }
    public void rdmsr() { todo(); }
    public void wrmsr() { todo(); }
    public void rdtsc() { todo(); }
    public void sysenter() { todo(); }
    public void sysexit() { todo(); }

    private static void todo() {
        throw new org.x86play.cpu.UnimplementedInstruction("SystemUnit: not yet implemented");
    }
}

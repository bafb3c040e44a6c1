package org.x86play.cpu;

import org.x86play.cpu.fpu.Fpu;
import org.x86play.cpu.system.SystemUnit;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;
import org.x86play.mmu.Mmu;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * Architectural state of one i686-class processor (SDM Vol. 1 ch. 3, Vol. 3 ch. 2).
 * <p>
 * This class is the contract between the parts of the core:
 * <ul>
 *   <li>{@code cpu.decoder} / {@link Interpreter} — decode and execute instructions;</li>
 *   <li>{@code cpu.system} — segment loads, gates, interrupts, task switches, system registers;</li>
 *   <li>{@code cpu.fpu} — the x87 unit;</li>
 *   <li>{@link Mmu} — linear-to-physical translation.</li>
 * </ul>
 * It holds state and the small accessors everybody needs; behaviour lives in those units.
 */
public final class Cpu {
    // ---- General registers (index = x86 register encoding: EAX ECX EDX EBX ESP EBP ESI EDI) ----
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    public final int[] reg = new int[8];
    public int eip;

    // ---- Segment registers (index = x86 Sreg encoding) ----
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
    public final SegmentCache[] seg = new SegmentCache[6];
    public final SegmentCache gdtr = new SegmentCache(), idtr = new SegmentCache();
    public final SegmentCache ldtr = new SegmentCache(), tr = new SegmentCache();

    /** Current privilege level (CS.RPL in protected mode; 3 in virtual-8086 mode; 0 in real mode). */
    public int cpl;

    // ---- EFLAGS: arithmetic flags are lazy, see Flags; the rest live here ----
    public static final int CF = 1, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, TF = 1 << 8,
            IF = 1 << 9, DF = 1 << 10, OF = 1 << 11, IOPL = 3 << 12, NT = 1 << 14, RF = 1 << 16,
            VM = 1 << 17, AC = 1 << 18, VIF = 1 << 19, VIP = 1 << 20, ID = 1 << 21;
    public final Flags flags = new Flags();

    // ---- Control, debug and model-specific registers ----
    public static final int CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 0x10, CR0_NE = 0x20,
            CR0_WP = 0x10000, CR0_AM = 0x40000, CR0_NW = 0x20000000, CR0_CD = 0x40000000, CR0_PG = 0x80000000;
    public static final int CR4_VME = 1, CR4_PVI = 2, CR4_TSD = 4, CR4_DE = 8, CR4_PSE = 0x10, CR4_PGE = 0x80,
            CR4_PCE = 0x100, CR4_OSFXSR = 0x200, CR4_OSXMMEXCPT = 0x400;
    public int cr0 = CR0_ET | CR0_CD | CR0_NW, cr2, cr3, cr4;
    public final int[] dr = new int[8];
    public int sysenterCs, sysenterEsp, sysenterEip;
    /** Time-stamp counter; advanced by the execution loop (virtual time, not host time). */
    public long tsc;

    // ---- Execution state ----
    public boolean halted;
    /** Set by MOV SS/POP SS/STI: interrupts are inhibited until after the next instruction (SDM §6.8.3). */
    public boolean interruptShadow;
    /** EIP of the instruction being executed (fault return address). */
    public int instructionStart;
    /** Count of retired instructions. */
    public long instructions;

    // ---- Attached units ----
    public final PhysicalMemory memory;
    public final IoBus io;
    public final Mmu mmu;
    public final SystemUnit system;
    public final Fpu fpu;
    public final Interpreter interpreter;
    /** The local APIC (IA32_APIC_BASE, CPUID.1:EDX.APIC), or null for a processor without one. */
    public ApicLink apic;

    public Cpu(PhysicalMemory memory, IoBus io) {
        this.memory = memory;
        this.io = io;
        this.mmu = new Mmu(memory);
        for (int i = 0; i < 6; i++) seg[i] = new SegmentCache();
        this.system = new SystemUnit(this);
        this.fpu = new Fpu(this);
        this.interpreter = new Interpreter(this);
        reset();
    }

    /** Power-on/RESET state (SDM Vol. 3 §9.1.1, Table 9-1). */
    public void reset() {
        java.util.Arrays.fill(reg, 0);
        reg[EDX] = CpuId.RESET_SIGNATURE;
        flags.set(2);
        eip = 0xFFF0;
        for (int i = 0; i < 6; i++) seg[i].set(0, 0, 0xFFFF, 0x93);
        seg[CS].set(0xF000, 0xFFFF0000, 0xFFFF, 0x9B);
        gdtr.set(0, 0, 0xFFFF, 0);
        idtr.set(0, 0, 0xFFFF, 0);
        ldtr.set(0, 0, 0xFFFF, 0x82);
        tr.set(0, 0, 0xFFFF, 0x8B);
        cr0 = CR0_ET | CR0_CD | CR0_NW;
        cr2 = cr3 = cr4 = 0;
        java.util.Arrays.fill(dr, 0);
        dr[6] = 0xFFFF0FF0;
        dr[7] = 0x400;
        cpl = 0;
        halted = false;
        interruptShadow = false;
        tsc = 0;
        mmu.setControl(cr0, cr3, cr4);
        fpu.reset();
        if (apic != null) apic.reset();
    }

    /** Executes one instruction; see {@link Interpreter#step()}. */
    public void step() { interpreter.step(); }

    public boolean isProtected() { return (cr0 & CR0_PE) != 0; }
    public boolean isV86() { return (flags.getSystem() & VM) != 0; }
    public boolean isRealMode() { return (cr0 & CR0_PE) == 0; }

    public int getEflags() { return flags.get(); }

    /** Writes all of EFLAGS without privilege filtering (callers apply the POPF/IRET rules). */
    public void setEflags(int value) { flags.set(value); }

    /** Writes a control register and tells the MMU (SDM Vol. 3 §2.5). Validity checks are the caller's. */
    public void writeCr(int n, int value) {
        switch (n) {
            case 0: cr0 = value | CR0_ET; break;
            case 2: cr2 = value; break;
            case 3: cr3 = value; mmu.loadCr3(value); return;   // flushes even when unchanged (SDM §4.10.4.1)
            case 4: cr4 = value; break;
            default: throw CpuFault.ud();
        }
        mmu.setControl(cr0, cr3, cr4);
    }

    // ---- Linear memory, with the current privilege level (user access iff CPL == 3) ----
    public int readLinear8(int lin) { return mmu.read8(lin, cpl == 3); }
    public int readLinear16(int lin) { return mmu.read16(lin, cpl == 3); }
    public int readLinear32(int lin) { return mmu.read32(lin, cpl == 3); }
    public void writeLinear8(int lin, int v) { mmu.write8(lin, v, cpl == 3); }
    public void writeLinear16(int lin, int v) { mmu.write16(lin, v, cpl == 3); }
    public void writeLinear32(int lin, int v) { mmu.write32(lin, v, cpl == 3); }

    // ---- Supervisor ("implicit") accesses: descriptor tables, TSS, IDT (SDM Vol. 3 §4.6.1) ----
    public int readSystem8(int lin) { return mmu.read8(lin, false); }
    public int readSystem16(int lin) { return mmu.read16(lin, false); }
    public int readSystem32(int lin) { return mmu.read32(lin, false); }
    public void writeSystem8(int lin, int v) { mmu.write8(lin, v, false); }
    public void writeSystem16(int lin, int v) { mmu.write16(lin, v, false); }
    public void writeSystem32(int lin, int v) { mmu.write32(lin, v, false); }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /**
     * Registers, the hidden descriptor caches, EFLAGS (lazy flags materialised), control/debug registers, the
     * MSRs held here (TSC, SYSENTER), execution state (halted, interrupt shadow, counters) and the x87 unit.
     */
    public void saveState(StateWriter w) {
        w.ints(reg).i32(eip);
        for (SegmentCache s : seg) s.saveState(w);
        gdtr.saveState(w);
        idtr.saveState(w);
        ldtr.saveState(w);
        tr.saveState(w);
        w.u8(cpl).i32(flags.get());
        w.i32(cr0).i32(cr2).i32(cr3).i32(cr4).ints(dr);
        w.i32(sysenterCs).i32(sysenterEsp).i32(sysenterEip).i64(tsc);
        w.bool(halted).bool(interruptShadow).i32(instructionStart).i64(instructions);
        fpu.saveState(w);
    }

    /** Reverse of {@link #saveState}; every cached translation (TLB) is dropped afterwards. */
    public void loadState(StateReader r) throws SnapshotFormatException {
        r.ints(reg);
        eip = r.i32();
        for (SegmentCache s : seg) s.loadState(r);
        gdtr.loadState(r);
        idtr.loadState(r);
        ldtr.loadState(r);
        tr.loadState(r);
        cpl = r.u8();
        if (cpl > 3) throw r.fail("CPL must be 0..3, got " + cpl);
        flags.set(r.i32());
        cr0 = r.i32() | CR0_ET;
        cr2 = r.i32();
        cr3 = r.i32();
        cr4 = r.i32();
        if ((cr0 & CR0_PG) != 0 && (cr0 & CR0_PE) == 0) throw r.fail("CR0 has PG set without PE");
        r.ints(dr);
        sysenterCs = r.i32() & 0xFFFF;
        sysenterEsp = r.i32();
        sysenterEip = r.i32();
        tsc = r.i64();
        halted = r.bool("halted flag");
        interruptShadow = r.bool("interrupt shadow flag");
        instructionStart = r.i32();
        instructions = r.longIn(0, Long.MAX_VALUE, "instruction count");
        fpu.loadState(r);
        mmu.setControl(cr0, cr3, cr4);
        mmu.flushAll();
    }
}

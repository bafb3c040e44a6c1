package org.x86play.conformance;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.cpu.TripleFault;
import org.x86play.cpu.UnimplementedInstruction;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

/**
 * Runs {@link DiffCase}s on the emulator: a CPU in flat 32-bit protected mode (CPL 0) with a
 * GDT and an IDT whose 32 exception gates point at distinct HLT stubs, so that an exception
 * the instruction raises shows up as EIP = the stub of its vector (SDM Vol. 3 §6.12.1).
 */
final class EmulatorRunner {
    static final int RAM = 4 << 20;
    static final int GDT = 0x1000, IDT = 0x2000, HANDLERS = 0x3000, FXAREA = 0x205000, STACK_TOP = 0x380000;

    private final PhysicalMemory memory = new PhysicalMemory(RAM);
    final Cpu cpu = new Cpu(memory, new IoBus());
    private final byte[] fxbuf = new byte[512];

    EmulatorRunner() {
        // GDT: null, 0x08 flat 32-bit code (DPL 0), 0x10 flat data (SDM Vol. 3 §3.4.5).
        write32(GDT, 0); write32(GDT + 4, 0);
        write32(GDT + 8, 0x0000FFFF); write32(GDT + 12, 0x00CF9B00);
        write32(GDT + 16, 0x0000FFFF); write32(GDT + 20, 0x00CF9300);
        // IDT: 32-bit interrupt gates 0..31 -> HANDLERS + 8*vector (SDM Vol. 3 §6.11, Figure 6-2).
        for (int v = 0; v < 32; v++) {
            int off = HANDLERS + 8 * v;
            write32(IDT + 8 * v, (0x08 << 16) | (off & 0xFFFF));
            write32(IDT + 8 * v + 4, (off & 0xFFFF0000) | 0x8E00);
            for (int i = 0; i < 8; i++) memory.write8(off + i, 0xF4);
        }
    }

    private void write32(int a, int v) {
        for (int i = 0; i < 4; i++) memory.write8(a + i, v >> 8 * i);
    }

    private void setupProtectedMode() {
        cpu.reset();
        cpu.gdtr.set(0, GDT, 0x17, 0);
        cpu.idtr.set(0, IDT, 32 * 8 - 1, 0);
        cpu.seg[Cpu.CS].set(0x08, 0, 0xFFFFFFFF, 0xC09B);
        for (int s : new int[] {Cpu.ES, Cpu.SS, Cpu.DS, Cpu.FS, Cpu.GS}) cpu.seg[s].set(0x10, 0, 0xFFFFFFFF, 0xC093);
        cpu.cpl = 0;
        cpu.writeCr(0, cpu.cr0 | Cpu.CR0_PE | Cpu.CR0_NE);
        cpu.writeCr(4, cpu.cr4 | Cpu.CR4_OSFXSR);
    }

    DiffCase.Outcome run(DiffCase c) {
        DiffCase.Outcome o = new DiffCase.Outcome();
        o.status = -1;
        try {
            setupProtectedMode();
            byte[] code = c.emuCode();
            memory.load(DiffCase.CODE_ADDR, code, 0, code.length);
            memory.write8(DiffCase.CODE_ADDR + code.length, 0xF4);
            if (c.mem != null) memory.load(c.blockAddr(), c.mem, 0, c.mem.length);
            if (c.fx != null) {
                memory.load(FXAREA, c.fx, 0, 512);
                cpu.fpu.fxrstor(FXAREA);
            }
            System.arraycopy(c.regs, 0, cpu.reg, 0, 8);
            cpu.reg[Cpu.ESP] = STACK_TOP;
            cpu.setEflags((c.eflags & 0xCD5) | 0x202);
            cpu.eip = DiffCase.CODE_ADDR;
            cpu.instructionStart = DiffCase.CODE_ADDR;
            // Step until EIP leaves the code (a REP string instruction may retire one iteration per
            // step with EIP unchanged; a sequence runs one instruction per step).
            int end = DiffCase.CODE_ADDR + code.length;
            for (int n = 0; n < 10_000; n++) {
                cpu.step();
                int eip = cpu.eip;
                if (eip == end || eip < DiffCase.CODE_ADDR || eip > end || cpu.halted) break;
            }
        } catch (CpuFault f) {
            o.status = f.vector; // a unit let the fault escape instead of delivering it
            o.error = "CpuFault escaped step(): " + f.getMessage();
        } catch (UnimplementedInstruction u) {
            o.error = "unimplemented: " + u.getMessage();
        } catch (TripleFault t) {
            o.error = "triple fault: " + t.getMessage();
        } catch (RuntimeException e) {
            StackTraceElement[] st = e.getStackTrace();
            o.error = e + (st.length > 0 ? " at " + st[0] : "");
        }
        int eip = cpu.eip;
        o.eip = eip;
        if (o.error == null) {
            if (eip >= HANDLERS && eip < HANDLERS + 32 * 8 && (eip - HANDLERS) % 8 == 0) o.status = (eip - HANDLERS) / 8;
            else if (eip >= DiffCase.CODE_ADDR && eip < DiffCase.CODE_ADDR + c.codeLen) o.error = String.format("did not finish (EIP %08x)", eip);
        }
        System.arraycopy(cpu.reg, 0, o.regs, 0, 8);
        o.eflags = cpu.getEflags();
        if (c.mem != null) {
            o.mem = new byte[DiffCase.BLOCK_SIZE];
            for (int i = 0; i < o.mem.length; i++) o.mem[i] = (byte) memory.read8(c.blockAddr() + i);
        }
        if (c.fx != null && o.error == null) {
            try {
                for (int i = 0; i < 512; i++) memory.write8(FXAREA + i, 0);
                cpu.fpu.fxsave(FXAREA);
                for (int i = 0; i < 512; i++) fxbuf[i] = (byte) memory.read8(FXAREA + i);
                o.fx = fxbuf.clone();
            } catch (RuntimeException e) {
                o.error = "FXSAVE: " + e;
            }
        }
        return o;
    }
}

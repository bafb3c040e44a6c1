package org.x86play.cpu.fpu;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

/** x87 instructions executed through the Interpreter (real mode, code at 0000:7C00). */
class FpuInterpreterTest {
    private static Cpu run(int[] code) {
        Cpu cpu = new Cpu(new PhysicalMemory(1 << 20), new IoBus());
        for (int i = 0; i < code.length; i++) cpu.memory.write8(0x7C00 + i, code[i]);
        cpu.memory.write16(16 * 4, 0x8000);              // IVT vector 16 (#MF) → 0000:8000
        cpu.memory.write16(16 * 4 + 2, 0);
        cpu.memory.write8(0x8000, 0xF4);                 // handler: HLT
        cpu.memory.write16(0x600, 0x037B);               // a control word with ZE unmasked
        cpu.seg[Cpu.CS].set(0, 0, 0xFFFF, 0x9B);
        cpu.seg[Cpu.SS].set(0, 0, 0xFFFF, 0x93);
        cpu.reg[Cpu.ESP] = 0x7000;
        cpu.eip = 0x7C00;
        cpu.cr0 |= Cpu.CR0_NE;
        for (int n = 0; n < 100 && !cpu.halted; n++) cpu.step();
        assertTrue(cpu.halted);
        return cpu;
    }

    @Test
    void arithmeticAndStoreThroughTheInterpreter() {
        Cpu cpu = run(new int[] {
            0xDB, 0xE3,                   // fninit
            0xD9, 0xE8,                   // fld1
            0xD9, 0xEB,                   // fldpi
            0xDE, 0xC1,                   // faddp
            0xDD, 0x1E, 0x00, 0x05,       // fstp qword [0x500]
            0xDF, 0xE0,                   // fnstsw ax
            0x9B,                         // wait
            0xF4});                    // hlt
        assertEquals(Double.doubleToRawLongBits(Math.PI + 1),
                (cpu.memory.read32(0x500) & 0xFFFFFFFFL) | ((long) cpu.memory.read32(0x504) << 32));
        assertEquals(Fpu.PE, cpu.reg[Cpu.EAX] & 0xFFFF);   // TOP back to 0, inexact store
    }

    @Test
    void unmaskedExceptionRaisesMfAtTheNextWaitWhenNeIsSet() {
        Cpu cpu = run(new int[] {
            0xDB, 0xE3,                   // fninit
            0xD9, 0x2E, 0x00, 0x06,       // fldcw [0x600]  (0x037B: ZE unmasked)
            0xD9, 0xEE,                   // fldz
            0xD9, 0xE8,                   // fld1
            0xDE, 0xF1,                   // fdivrp st1, st0 → 1/0, pending #Z
            0x9B,                         // wait → #MF
            0xF4});
        assertEquals(0x8001, cpu.eip);
        assertTrue((cpu.fpu.getStatusWord() & (Fpu.ZE | Fpu.ES)) == (Fpu.ZE | Fpu.ES));
        assertEquals(0x7C00 + 10, cpu.fpu.getFip());      // FDIVRP recorded as the faulting x87 instruction
    }
}

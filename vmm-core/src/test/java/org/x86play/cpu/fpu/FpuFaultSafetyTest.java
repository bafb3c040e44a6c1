package org.x86play.cpu.fpu;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;

/** A page fault in the middle of an x87 memory access leaves the FPU state unchanged. */
class FpuFaultSafetyTest {
    private static final int HOLE = 0x5000;   // not-present page

    private static X87 paged() {
        X87 x = new X87();
        int pd = 0x10000, pt = 0x11000;
        x.w32(pd, pt | 7);
        for (int i = 0; i < 1024; i++) x.w32(pt + 4 * i, i == HOLE >> 12 ? 0 : (i << 12) | 7);
        x.cpu.writeCr(3, pd);
        x.cpu.writeCr(0, x.cpu.cr0 | Cpu.CR0_PE | Cpu.CR0_PG);
        x.fldD(1.5);
        x.fldD(-2.25);
        x.exec(0xD9, 0xE8);
        return x;
    }

    private static String state(X87 x) {
        StringBuilder s = new StringBuilder();
        s.append(Integer.toHexString(x.fpu.getControlWord())).append(' ')
         .append(Integer.toHexString(x.fpu.getStatusWord())).append(' ')
         .append(Integer.toHexString(x.fpu.getTagWord())).append(' ')
         .append(Integer.toHexString(x.fpu.getFop())).append(' ')
         .append(Integer.toHexString(x.fpu.getFdp()));
        for (int i = 0; i < 8; i++) s.append(' ').append(Integer.toHexString(x.stSe(i))).append(':').append(Long.toHexString(x.stSig(i)));
        return s.toString();
    }

    private static void assertFaultKeepsState(X87 x, int op, int reg, int lin) {
        String before = state(x);
        CpuFault f = assertThrows(CpuFault.class, () -> x.fpu.execute(op, reg << 3, lin, true));
        assertEquals(CpuFault.PF, f.vector);
        assertEquals(before, state(x), String.format("%02x /%d at %x", op, reg, lin));
    }

    @Test
    void multiPartStoresAndLoadsAreAtomicForTheFpu() {
        X87 x = paged();
        assertFaultKeepsState(x, 0xDB, 7, HOLE - 6);      // FSTP m80 straddling the hole: no pop
        assertFaultKeepsState(x, 0xDD, 3, HOLE - 4);      // FSTP m64
        assertFaultKeepsState(x, 0xDF, 6, HOLE - 2);      // FBSTP
        assertFaultKeepsState(x, 0xDF, 7, HOLE - 4);      // FISTP m64
        assertFaultKeepsState(x, 0xDD, 6, HOLE - 100);    // FNSAVE (108 bytes): no FNINIT
        assertFaultKeepsState(x, 0xD9, 6, HOLE - 20);     // FNSTENV: exceptions stay unmasked as they were
        assertFaultKeepsState(x, 0xDD, 4, HOLE - 100);    // FRSTOR
        assertFaultKeepsState(x, 0xD9, 4, HOLE - 20);     // FLDENV
        assertFaultKeepsState(x, 0xDD, 0, HOLE - 4);      // FLD m64: nothing pushed
        assertFaultKeepsState(x, 0xDC, 0, HOLE - 4);      // FADD m64
        // the same operations succeed away from the hole
        x.fpu.execute(0xDB, 7 << 3, HOLE - 0x100, true);
        assertEquals(0x3FFF, x.r16(HOLE - 0x100 + 8));
    }
}

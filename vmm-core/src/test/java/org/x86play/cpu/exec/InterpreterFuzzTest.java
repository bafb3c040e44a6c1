package org.x86play.cpu.exec;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.cpu.TripleFault;
import org.x86play.cpu.UnimplementedInstruction;

/**
 * Random instruction bytes must only ever end in guest-visible faults (delivered), a shutdown or a
 * host-side "unimplemented": never in a Java exception such as an out-of-bounds index, which would kill
 * a WebAssembly GC build.
 */
class InterpreterFuzzTest {
    @Test
    void randomBytesNeverThrowHostExceptions() {
        Random rnd = new Random(7);
        TestCpu real = TestCpu.real();
        TestCpu flat = TestCpu.flat32();
        for (int i = 0; i < 40000; i++) {
            TestCpu t = (i & 1) == 0 ? real : flat;
            Cpu c = t.cpu;
            int[] code = new int[16];
            for (int k = 0; k < code.length; k++) code[k] = rnd.nextInt(256);
            t.load(TestCpu.CODE, code);
            for (int r = 0; r < 8; r++) c.reg[r] = rnd.nextInt(8) == 0 ? rnd.nextInt() : rnd.nextInt(0x10000);
            c.reg[Cpu.ESP] = 0x8000 + rnd.nextInt(0x100);
            c.eip = TestCpu.CODE;
            c.halted = false;
            c.setEflags(2 | (rnd.nextInt() & 0x8D5));
            c.cr4 = 0;
            c.dr[7] = 0x400;
            if ((i & 1) == 0) {
                c.cr0 = Cpu.CR0_ET;
                c.mmu.setControl(c.cr0, 0, 0);
                c.cpl = 0;
                for (int s = 0; s < 6; s++) c.seg[s].set(0, 0, 0xFFFF, s == Cpu.CS ? 0x9B : 0x93);
                for (int v = 0; v < 256; v++) t.memory.write32(v * 4, 0x2000);
                t.memory.write8(0x2000, 0xF4);
            } else {
                c.cr0 = Cpu.CR0_PE | Cpu.CR0_ET;
                c.mmu.setControl(c.cr0, 0, 0);
                c.cpl = rnd.nextInt(4) == 0 ? 3 : 0;
                for (int s = 0; s < 6; s++) c.seg[s].set(0x10, 0, 0xFFFFFFFF, 0xC093);
                c.seg[Cpu.CS].set(0x08, 0, 0xFFFFFFFF, 0xC09B);
            }
            try {
                c.step();
            } catch (TripleFault | UnimplementedInstruction e) {
                // acceptable ends of a run
            }
        }
    }
}

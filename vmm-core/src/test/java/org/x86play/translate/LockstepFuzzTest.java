package org.x86play.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

/**
 * Random real-mode programs that patch their own immediates (self-modifying code within and across blocks),
 * with forward conditional branches and an outer loop, run in lockstep on the interpreter and on the block
 * cache: the architectural state must be equal after every single step.
 */
class LockstepFuzzTest {
    static final int CODE = 0x1000, DATA = 0x3000;

    /** Generates one program; returns its bytes (loaded at CODE, entered at CODE). */
    static byte[] program(Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> immOffsets = new ArrayList<>();       // offsets of imm16 fields of "mov r16, imm16"
        int[] regs = {0, 1, 2, 3, 6, 7};                     // AX CX DX BX SI DI (SP, BP kept)
        // prologue: BP = outer loop count
        out.write(0xBD); out.write(40); out.write(0);        // mov bp, 40
        int loopStart = out.size();
        int slots = 40 + rnd.nextInt(60);
        List<int[]> pendingJumps = new ArrayList<>();        // {offset of rel8, target slot}
        int[] slotOffset = new int[slots + 1];
        for (int s = 0; s < slots; s++) {
            slotOffset[s] = out.size();
            for (int[] j : pendingJumps) if (j[1] == s) patchRel(out, j[0], out.size());
            int r = regs[rnd.nextInt(regs.length)], r2 = regs[rnd.nextInt(regs.length)];
            switch (rnd.nextInt(9)) {
                case 0 -> {
                    out.write(0xB8 + r);
                    immOffsets.add(out.size());
                    out.write(rnd.nextInt(256)); out.write(rnd.nextInt(256));
                }
                case 1 -> { out.write(new int[] {0x01, 0x29, 0x31, 0x21, 0x09, 0x11, 0x19}[rnd.nextInt(7)]); out.write(0xC0 | r2 << 3 | r); }
                case 2 -> out.write((rnd.nextBoolean() ? 0x40 : 0x48) + r);
                case 3 -> { out.write(0x89); out.write(0x06 | r << 3); word(out, DATA + 2 * rnd.nextInt(64)); }
                case 4 -> { out.write(0x8B); out.write(0x06 | r << 3); word(out, DATA + 2 * rnd.nextInt(64)); }
                case 5, 6 -> {
                    if (immOffsets.isEmpty() || rnd.nextBoolean()) {
                        // patch a later (not yet generated) slot's immediate? keep it simple: a random earlier one,
                        // or one of the 16 bytes right after this instruction (often the next instruction)
                        out.write(0xC6); out.write(0x06);
                        int target = CODE + out.size() + 3 + rnd.nextInt(2);    // first bytes of the next instruction
                        word(out, target);
                        out.write(0x90);                                        // becomes NOP ... or stays
                    } else {
                        int imm = immOffsets.get(rnd.nextInt(immOffsets.size()));
                        out.write(0x89); out.write(0x06 | r << 3); word(out, CODE + imm);   // mov [imm field], r16
                    }
                }
                case 7 -> {
                    out.write(0x70 + rnd.nextInt(16));
                    int target = Math.min(slots, s + 1 + rnd.nextInt(4));
                    pendingJumps.add(new int[] {out.size(), target});
                    out.write(0);
                }
                default -> { out.write(0xD1); out.write(0xC0 | (rnd.nextInt(2) == 0 ? 0 : 5 << 3) | r); }  // rol/shr r,1
            }
        }
        slotOffset[slots] = out.size();
        for (int[] j : pendingJumps) if (j[1] == slots) patchRel(out, j[0], out.size());
        out.write(0x4D);                                     // dec bp
        out.write(0x0F); out.write(0x85);                     // jnz near loopStart
        word(out, loopStart - (out.size() + 2));
        out.write(0xF4);                                     // hlt
        return out.toByteArray();
    }

    private static void word(ByteArrayOutputStream o, int v) { o.write(v & 0xFF); o.write((v >> 8) & 0xFF); }

    private static void patchRel(ByteArrayOutputStream o, int at, int target) {
        byte[] b = o.toByteArray();
        int rel = target - (at + 1);
        if (rel > 127) throw new IllegalStateException("jump too far");
        b[at] = (byte) rel;
        o.reset();
        o.write(b, 0, b.length);
    }

    static Cpu cpu(byte[] code) {
        PhysicalMemory mem = new PhysicalMemory(1 << 20);
        Cpu c = new Cpu(mem, new IoBus());
        mem.load(CODE, code, 0, code.length);
        c.seg[Cpu.CS].loadReal(0);
        c.seg[Cpu.DS].loadReal(0);
        c.seg[Cpu.SS].loadReal(0);
        c.reg[Cpu.ESP] = 0x7000;
        c.eip = CODE;
        return c;
    }

    static int[] state(Cpu c) {
        int[] s = new int[12];
        System.arraycopy(c.reg, 0, s, 0, 8);
        s[8] = c.eip;
        s[9] = c.getEflags();
        s[10] = (int) c.instructions;
        s[11] = c.halted ? 1 : 0;
        return s;
    }

    @Test
    void randomSelfModifyingProgramsRunIdenticallyStepByStep() {
        long totalSteps = 0;
        int invalidations = 0;
        for (int seed = 1; seed <= 40; seed++) {
            byte[] code = program(new Random(seed));
            Cpu a = cpu(code), b = cpu(code);
            ExecutionEngine ea = new InterpreterEngine(a);
            BlockCacheEngine eb = new BlockCacheEngine(b);
            for (int step = 0; step < 20_000 && !a.halted; step++) {
                ea.step();
                eb.step();
                int[] sa = state(a), sb = state(b);
                if (!java.util.Arrays.equals(sa, sb)) {
                    assertArrayEquals(sa, sb, "seed " + seed + " step " + step + " eip " + Integer.toHexString(sa[8]));
                }
                totalSteps++;
            }
            for (int k = 0; k < code.length + 0x100; k++) {
                if (a.memory.read8(CODE + k) != b.memory.read8(CODE + k)) throw new AssertionError("code bytes differ, seed " + seed);
            }
            invalidations += eb.cache.stats.invalCpuWrite;
        }
        System.out.println("lockstep fuzz: " + totalSteps + " steps, " + invalidations + " blocks invalidated by CPU writes");
        assertTrue(invalidations > 100, "the programs really modify cached code");
    }
}

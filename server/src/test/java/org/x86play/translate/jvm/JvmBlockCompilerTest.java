package org.x86play.translate.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.x86play.cpu.Cpu;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;
import org.x86play.translate.BlockCacheEngine;
import org.x86play.translate.ExecutionEngine;
import org.x86play.translate.InterpreterEngine;

/**
 * Random 32-bit programs run by the interpreter and by the block cache with every block compiled to JVM
 * bytecode on its first full run: the final registers, flags, EIP, instruction count and memory must be
 * equal. The programs loop, branch forward, use every form the compiler specializes (and generic ones),
 * write into their own code (the running block and later ones), and fault: DS has a 1 MiB limit, so random
 * addresses raise #GP in the middle of compiled blocks, delivered through an IDT to a handler that halts.
 */
class JvmBlockCompilerTest {
    static final int CODE = 0x10000, DATA = 0x20000, IDT = 0x5000, GDT = 0x4000, HANDLER = 0x6000, STACK = 0x80000;

    static final class Side {
        final PhysicalMemory memory = new PhysicalMemory(4 << 20);
        final Cpu cpu = new Cpu(memory, new IoBus());
        final ExecutionEngine engine;
        final JvmBlockCompiler compiler = new JvmBlockCompiler();

        /** @param threshold full runs before a block is compiled (only with {@code jit}) */
        Side(boolean jit, int threshold, byte[] code, int[] regs) {
            if (jit) {
                BlockCacheEngine e = new BlockCacheEngine(cpu);
                e.setCompiler(compiler, threshold);
                engine = e;
            } else {
                engine = new InterpreterEngine(cpu);
            }
            Cpu c = cpu;
            c.cr0 = Cpu.CR0_PE | Cpu.CR0_ET;
            c.mmu.setControl(c.cr0, 0, 0);
            for (int i = 0; i < 6; i++) c.seg[i].set(0x10, 0, 0xFFFFFFFF, 0xC093);
            c.seg[Cpu.DS].set(0x10, 0, 0xFFFFF, 0x4093);           // 1 MiB, byte granular: #GP beyond
            c.seg[Cpu.CS].set(0x08, 0, 0xFFFFFFFF, 0xC09B);
            c.cpl = 0;
            c.setEflags(2);
            // IDT: 32 interrupt gates to a HLT (SDM Vol. 3 §6.11); GDT not needed (no segment loads).
            c.idtr.set(0, IDT, 32 * 8 - 1, 0);
            c.gdtr.set(0, GDT, 23, 0);                                // null, flat code 0x08, flat data 0x10
            memory.write32(GDT + 8, 0x0000FFFF);
            memory.write32(GDT + 12, 0x00CF9A00);
            memory.write32(GDT + 16, 0x0000FFFF);
            memory.write32(GDT + 20, 0x00CF9200);
            for (int v = 0; v < 32; v++) {
                memory.write32(IDT + v * 8, (0x08 << 16) | (HANDLER & 0xFFFF));
                memory.write32(IDT + v * 8 + 4, (HANDLER & 0xFFFF0000) | 0x8E00);
            }
            memory.write8(HANDLER, 0xF4);
            for (int i = 0; i < code.length; i++) memory.write8(CODE + i, code[i] & 0xFF);
            for (int i = 0; i < 256; i++) memory.write32(DATA + 4 * i, i * 0x9E3779B9);
            System.arraycopy(regs, 0, c.reg, 0, 8);
            c.reg[Cpu.ESP] = STACK;
            c.reg[Cpu.EBP] = DATA + 0x200;
            c.eip = CODE;
        }

        String run() {
            String end = "";
            try {
                // The same instruction limit for both (the block engine never runs past the hard bound).
                while (!cpu.halted && cpu.instructions < 200_000) {
                    int left = (int) Math.min(1000, 200_000 - cpu.instructions);
                    engine.run(left, left);
                }
            } catch (RuntimeException e) {
                end = e.getClass().getSimpleName();
            }
            StringBuilder sb = new StringBuilder(end).append(Arrays.toString(cpu.reg)).append(" eip=")
                    .append(Integer.toHexString(cpu.eip)).append(" fl=").append(Integer.toHexString(cpu.getEflags()))
                    .append(" n=").append(cpu.instructions).append(" h=").append(cpu.halted);
            for (int a = DATA; a < DATA + 0x400; a += 4) sb.append(' ').append(memory.read32(a));
            for (int a = STACK - 0x100; a < STACK; a += 4) sb.append(' ').append(memory.read32(a));
            for (int a = CODE; a < CODE + 0x400; a += 4) sb.append(' ').append(memory.read32(a));
            return sb.toString();
        }
    }

    /** mov ecx, 30 / body / dec ecx / jnz body / hlt, with ECX, ESP, EBP never written by the body. */
    static byte[] program(Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xB9);
        dword(out, 30);
        int loop = out.size();
        int n = 10 + rnd.nextInt(40);
        int[] dst = {0, 2, 3, 6, 7};                         // EAX EDX EBX ESI EDI
        int pushes = 0;
        for (int i = 0; i < n; i++) {
            int d = dst[rnd.nextInt(dst.length)], s = rnd.nextInt(8);
            int disp = 4 * rnd.nextInt(64);
            switch (rnd.nextInt(34)) {
                case 0 -> { out.write(0x89); out.write(0xC0 | s << 3 | d); }                      // mov d, s
                case 1 -> { out.write(0x8B); out.write(0xC0 | d << 3 | s); }                      // mov d, s (8B)
                case 2 -> { out.write(new int[] {0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39}[rnd.nextInt(8)]); out.write(0xC0 | s << 3 | d); }
                case 3 -> { out.write(new int[] {0x03, 0x0B, 0x13, 0x1B, 0x23, 0x2B, 0x33, 0x3B}[rnd.nextInt(8)]); out.write(0xC0 | d << 3 | s); }
                case 4 -> { out.write(0x81); out.write(0xC0 | rnd.nextInt(8) << 3 | d); dword(out, rnd.nextInt()); }
                case 5 -> { out.write(0xB8 + d); dword(out, rnd.nextInt()); }                      // mov d, imm32
                case 6 -> { out.write(0x8B); out.write(0x45 | d << 3); out.write(disp - 0x100); }   // mov d, [ebp+disp8]
                case 7 -> { out.write(0x89); out.write(0x45 | s << 3); out.write(disp - 0x100); }   // mov [ebp+disp8], s
                case 8 -> { out.write(0x03 + 8 * rnd.nextInt(8)); out.write(0x45 | d << 3); out.write(disp - 0x100); }  // alu d, [ebp+d8]
                case 9 -> { out.write(0x01 + 8 * rnd.nextInt(8)); out.write(0x45 | s << 3); out.write(disp - 0x100); }  // alu [ebp+d8], s
                case 10 -> { out.write(0x8D); out.write(0x84 | d << 3); out.write(s << 3 | 5 | rnd.nextInt(4) << 6 & 0xC0); dword(out, rnd.nextInt(1 << 20)); } // lea d, [ebp + s*k + d32]
                case 11 -> out.write((rnd.nextBoolean() ? 0x40 : 0x48) + d);                         // inc/dec d
                case 12 -> {                                                                         // push s / pop d, balanced
                    if (pushes < 8 && rnd.nextBoolean()) { out.write(0x50 + s); pushes++; }
                    else if (pushes > 0) { out.write(0x58 + d); pushes--; }
                }
                case 13 -> { out.write(0x85); out.write(0xC0 | s << 3 | d); }                      // test d, s
                case 14 -> { out.write(0x0F); out.write(0x40 + rnd.nextInt(16)); out.write(0xC0 | d << 3 | s); }    // cmovcc d, s
                case 15 -> { out.write(0x0F); out.write(0x40 + rnd.nextInt(16)); out.write(0x45 | d << 3); out.write(disp - 0x100); } // cmovcc d, [ebp+d8]
                case 16 -> { out.write(0x0F); out.write(0x90 + rnd.nextInt(16)); out.write(0xC0 | d); }             // setcc d8
                case 17 -> { out.write(0x0F); out.write(rnd.nextBoolean() ? 0xB6 : 0xBF); out.write(0x45 | d << 3); out.write(disp - 0x100); } // movzx/movsx
                case 18 -> { out.write(0xC1); out.write(0xC0 | rnd.nextInt(8) << 3 | d); out.write(rnd.nextInt(32)); }  // shift d, imm8
                case 19 -> { out.write(0x0F); out.write(0xAF); out.write(0xC0 | d << 3 | s); }     // imul d, s
                case 20 -> {                                                                        // mov d, [d32 + esi]: may #GP
                    if (rnd.nextInt(4) == 0) { out.write(0x8B); out.write(0x86 | d << 3); dword(out, DATA); }
                    else { out.write(0x8B); out.write(0x45 | d << 3); out.write(disp - 0x100); }
                }
                case 22 -> { out.write(rnd.nextBoolean() ? 0x88 : 0x8A); out.write(0xC0 | rnd.nextInt(8) << 3 | (rnd.nextBoolean() ? d & 3 : rnd.nextInt(4))); } // mov r8, r8 (AL..BL targets, any source)
                case 23 -> { out.write(0x8A); out.write(0x45 | (d & 3) << 3); out.write(disp - 0x100); }     // mov r8, [ebp+d8]
                case 24 -> { out.write(0x88); out.write(0x45 | rnd.nextInt(8) << 3); out.write(disp - 0x100); } // mov [ebp+d8], r8
                case 25 -> { out.write(0x66); out.write(rnd.nextBoolean() ? 0x89 : 0x8B); out.write(0x45 | (rnd.nextBoolean() ? s : d) << 3); out.write(disp - 0x100); } // 16-bit moves
                case 26 -> { out.write(0xC7); out.write(0x45); out.write(disp - 0x100); dword(out, rnd.nextInt()); }  // mov dword [ebp+d8], imm32
                case 27 -> { out.write(0x0F); out.write(rnd.nextBoolean() ? 0xB6 : 0xBE); out.write(0xC0 | d << 3 | rnd.nextInt(8)); } // movzx/movsx r32, r8
                case 28 -> { out.write(rnd.nextBoolean() ? 0xD1 : 0xD3); out.write(0xC0 | rnd.nextInt(8) << 3 | d); } // shift/rotate by 1 or CL
                case 29 -> { out.write(0xF7); out.write(0xE0 | s); }                                         // mul s (EDX:EAX)
                case 30, 31 -> {                                                                           // a flag producer, then a consumer
                    switch (rnd.nextInt(6)) {
                        case 0 -> { out.write(0x39); out.write(0xC0 | s << 3 | d); }                        // cmp d, s
                        case 1 -> { out.write(0x85); out.write(0xC0 | s << 3 | d); }                        // test d, s
                        case 2 -> { out.write(0x81); out.write(0xF8 | d); dword(out, rnd.nextInt(3) == 0 ? 0 : rnd.nextInt()); } // cmp d, imm32
                        case 3 -> { out.write(0x29); out.write(0xC0 | s << 3 | d); }                        // sub d, s
                        case 4 -> { out.write(0x01); out.write(0xC0 | s << 3 | d); }                        // add d, s
                        default -> out.write((rnd.nextBoolean() ? 0x40 : 0x48) + d);                      // inc/dec d
                    }
                    if (rnd.nextBoolean()) { out.write(0x8B); out.write(0x45 | dst[rnd.nextInt(dst.length)] << 3); out.write(disp - 0x100); } // a move between
                    int cc = rnd.nextInt(16);
                    switch (rnd.nextInt(3)) {
                        case 0 -> { out.write(0x0F); out.write(0x90 + cc); out.write(0xC0 | dst[rnd.nextInt(dst.length)]); }
                        case 1 -> { out.write(0x0F); out.write(0x40 + cc); out.write(0xC0 | dst[rnd.nextInt(dst.length)] << 3 | s); }
                        default -> { out.write(0x70 + cc); out.write(2); out.write(0x40 + d); out.write(0x40 + d); } // jcc over two incs
                    }
                }
                case 32 -> {                                                                        // any alignment
                    int at = disp + rnd.nextInt(4) - 0x100;
                    switch (rnd.nextInt(5)) {
                        case 0 -> { out.write(0x8B); out.write(0x45 | d << 3); out.write(at); }             // mov d, [ebp+d8]
                        case 1 -> { out.write(0x89); out.write(0x45 | s << 3); out.write(at); }             // mov [ebp+d8], s
                        case 2 -> { out.write(0x88); out.write(0x45 | rnd.nextInt(8) << 3); out.write(at); } // mov [ebp+d8], r8
                        case 3 -> { out.write(0x66); out.write(rnd.nextBoolean() ? 0x89 : 0x8B); out.write(0x45 | d << 3); out.write(at); }
                        default -> { out.write(0x0F); out.write(new int[] {0xB6, 0xB7, 0xBE, 0xBF}[rnd.nextInt(4)]); out.write(0x45 | d << 3); out.write(at); }
                    }
                }
                case 33 -> { out.write(0x0F); out.write(0xAF); out.write(0x45 | d << 3); out.write(disp - 0x100); } // imul d, [ebp+d8]
                default -> {                                                                        // patch code ahead
                    int target = CODE + loop + rnd.nextInt(Math.max(1, out.size() + 24 - loop));
                    out.write(0xC6); out.write(0x05); dword(out, target); out.write(0x90);         // mov byte [abs], 0x90
                }
            }
            if (rnd.nextInt(8) == 0) {                                                             // forward branch
                out.write(0x70 + rnd.nextInt(16));
                out.write(rnd.nextInt(3) * 2);
                out.write(0x90); out.write(0x90); out.write(0x90); out.write(0x90);
            }
        }
        while (pushes-- > 0) out.write(0x58 + dst[0]);
        out.write(0x49);                                                                           // dec ecx
        int rel = loop - (out.size() + 6);
        out.write(0x0F); out.write(0x85); dword(out, rel);                                        // jnz loop
        out.write(0xF4);
        return out.toByteArray();
    }

    static void dword(ByteArrayOutputStream out, int v) {
        for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
    }

    /**
     * Threshold 1 compiles every block on its first full run; with 3 a block first runs interpreted (its links
     * already made), so compiled and interpreted runs of the same blocks follow each other.
     */
    @ParameterizedTest(name = "compile threshold {0}")
    @ValueSource(ints = {1, 3})
    void compiledBlocksMatchTheInterpreterOnRandomPrograms(int threshold) {
        Random rnd = new Random(0x51C0DE);
        int compiled = 0, faulted = 0;
        long loops = 0;
        for (int p = 0; p < 400; p++) {
            byte[] code = program(rnd);
            int[] regs = new int[8];
            for (int i = 0; i < 8; i++) regs[i] = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(64);
            Side interp = new Side(false, threshold, code, regs);
            Side jit = new Side(true, threshold, code, regs);
            String a = interp.run(), b = jit.run();
            assertEquals(a, b, "program " + p);
            compiled += jit.compiler.compiledBlocks();
            loops += ((BlockCacheEngine) jit.engine).cacheStats().compiledLoops;
            if (interp.cpu.eip == HANDLER + 1) faulted++;
        }
        System.out.printf("JvmBlockCompilerTest (threshold %d): %d blocks compiled, %d of 400 programs ended in a fault,"
                + " %d self-loop iterations inside compiled code%n", threshold, compiled, faulted, loops);
        assertTrue(compiled > 400 / threshold, "blocks were compiled: " + compiled);
        assertTrue(faulted > 20, "some programs faulted inside compiled code: " + faulted);
        assertTrue(loops > 100, "self-looping blocks looped inside compiled code: " + loops);
    }
}

package org.x86play.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.x86play.machine.Machine;
import org.x86play.machine.Nasm;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;
import org.x86play.memory.PhysicalMemory;

class BlockCacheEngineTest {
    /** A 64 KiB ROM: {@code body} at F000:0000 (16-bit), reset vector jumping to it. */
    static byte[] rom(String body) {
        return Nasm.bin("bits 16\norg 0\nstart:\n" + body
                + "\ntimes 0xFFF0-($-$$) db 0\njmp 0xF000:start\ntimes 0x10000-($-$$) db 0\n");
    }

    static Machine machine(byte[] rom, boolean tcache) {
        Machine m = new Machine(1 << 20);
        m.setTranslationCache(tcache);
        m.loadBios(rom);
        return m;
    }

    static int[] state(Machine m) {
        int[] s = new int[11];
        System.arraycopy(m.cpu.reg, 0, s, 0, 8);
        s[8] = m.cpu.eip;
        s[9] = m.cpu.getEflags();
        s[10] = (int) m.cpu.instructions;
        return s;
    }

    private static final String CALL_RAM_LOOP = String.join("\n",
            "xor ax, ax", "mov ds, ax", "mov ss, ax", "mov sp, 0x7000",
            ".loop: call 0x0000:0x1000", "mov [0x2000], ax", "inc word [0x2002]", "jmp .loop");

    @Test
    void deviceWriteThroughPhysicalMemoryInvalidatesCachedCode() {
        Machine m = machine(rom(CALL_RAM_LOOP), true);
        BlockCacheEngine engine = (BlockCacheEngine) m.engine();
        m.memory.load(0x1000, new byte[] {(byte) 0xB8, 0x34, 0x12, (byte) 0xCB}, 0, 4);   // mov ax,0x1234 / retf
        m.run(new RunLimits().maxInstructions(10_000));
        assertEquals(0x1234, m.memory.read16(0x2000));
        assertEquals(BlockCache.WATCH_CODE, m.memory.watchFlags(1) & BlockCache.WATCH_CODE, "code page watched");
        int before = engine.cache.stats.invalOtherWrite;
        m.memory.write16(0x1001, 0x5678);                      // a "DMA" write between runs
        assertEquals(before + 1, engine.cache.stats.invalOtherWrite);
        m.run(new RunLimits().maxInstructions(10_000));
        assertEquals(0x5678, m.memory.read16(0x2000));
        assertEquals(0, engine.cache.stats.invalCpuWrite);
    }

    @Test
    void writesToDataOutsideCodeChunksAreFilteredWithoutInvalidation() {
        Machine m = machine(rom(CALL_RAM_LOOP), true);
        BlockCacheEngine engine = (BlockCacheEngine) m.engine();
        m.memory.load(0x1000, new byte[] {(byte) 0xB8, 0x34, 0x12, (byte) 0xCB}, 0, 4);
        m.run(new RunLimits().maxInstructions(1_000));
        int blocks = engine.cache.size();
        CacheStats s = engine.cache.stats;
        int filtered = s.writesFiltered;
        m.memory.write32(0x1800, 0xDEADBEEF);                   // same page, another 128-byte chunk
        assertEquals(filtered + 1, s.writesFiltered);
        m.memory.write8(0x1004, 0x90);                         // same chunk, no block bytes: nothing invalidated
        assertEquals(0, s.invalOtherWrite + s.invalCpuWrite);
        assertEquals(blocks, engine.cache.size());
        m.memory.write8(0x1003, 0xCB);                         // the block's last byte (same value): invalidated
        assertEquals(1, s.invalOtherWrite);
        assertEquals(blocks - 1, engine.cache.size());
        assertEquals(0, m.memory.watchFlags(1) & BlockCache.WATCH_CODE, "page without blocks is no longer watched");
    }

    @Test
    void chunkMasks() {
        assertEquals(1, BlockCache.chunkMask(0, 0));
        assertEquals(1, BlockCache.chunkMask(0, 127));
        assertEquals(3, BlockCache.chunkMask(127, 128));
        assertEquals(0x80000000, BlockCache.chunkMask(0xFFF, 0xFFF));
        assertEquals(-1, BlockCache.chunkMask(0, 0xFFF));
        assertEquals(0xC0000000, BlockCache.chunkMask(0xF00, 0xFFF));
    }

    @Test
    void blocksEndAtBranchesAndAreSharedByPhysicalAddress() {
        Machine m = machine(rom("nop\nnop\ninc ax\njmp start"), true);
        BlockCacheEngine engine = (BlockCacheEngine) m.engine();
        m.run(new RunLimits().maxInstructions(4));
        BlockCache c = engine.cache;
        // ROM at 0xFFFF0000 (reset) and its alias at 0xF0000 are different store pages: key by store index.
        int key = m.memory.pageEntry(0xF0000) & ~0xFFF;
        Block b = c.lookup(key, false);
        assertEquals(4, b.count);
        assertEquals(5, b.length);                              // 1 + 1 + 1 + 2
        assertSame(b, c.lookup(key, false));
        assertNull(c.lookup(key, true), "CS.D is part of the key");
    }

    @Test
    void faultInTheMiddleOfABlockMatchesTheInterpreter() {
        // #DE in the third instruction of a block; the handler counts and skips the 2-byte DIV.
        String src = String.join("\n",
                "xor ax, ax", "mov ds, ax", "mov ss, ax", "mov sp, 0x7000",
                "mov word [0], handler", "mov word [2], 0xF000",
                "xor si, si", "mov cx, 50",
                ".l: mov ax, 7", "xor bl, bl", "div bl", "add si, ax", "loop .l",
                "hlt",
                "handler: inc di", "push bp", "mov bp, sp", "add word [bp+2], 2", "pop bp", "iret");
        byte[] image = rom(src);
        Machine off = machine(image, false), on = machine(image, true);
        RunResult r1 = off.run(new RunLimits().maxInstructions(100_000));
        RunResult r2 = on.run(new RunLimits().maxInstructions(100_000));
        assertEquals(RunResult.Reason.HALTED_FOREVER, r1.reason);
        assertEquals(r1.reason, r2.reason);
        assertEquals(r1.instructions, r2.instructions);
        assertEquals(50, on.cpu.reg[7] & 0xFFFF, "handler ran 50 times");
        assertArrayEquals(state(off), state(on));
    }

    @Test
    void hotLoopHitsTheCacheAndSpeedIsReported() {
        String src = String.join("\n",
                "xor eax, eax", "mov ebx, 1", "xor edx, edx", "xor ax, ax", "mov ds, ax",
                ".l: add eax, ebx", "inc ebx", "xor edx, eax", "rol edx, 3", "mov [0x500], edx",
                "add eax, [0x500]", "sub ecx, 1", "jmp .l");
        byte[] image = rom(src);
        long n = 3_000_000;
        Machine off = machine(image, false), on = machine(image, true);
        for (int warm = 0; warm < 2; warm++) {                  // JIT warm-up, then the measured run
            off = machine(image, false);
            on = machine(image, true);
            long t0 = System.nanoTime();
            off.run(new RunLimits().maxInstructions(n));
            long t1 = System.nanoTime();
            on.run(new RunLimits().maxInstructions(n));
            long t2 = System.nanoTime();
            if (warm == 1) {
                System.out.printf("compute loop, %d instructions: interpreter %.1f MIPS, block cache %.1f MIPS%n",
                        n, n * 1e3 / (t1 - t0), n * 1e3 / (t2 - t1));
            }
        }
        CacheStats s = on.engine().cacheStats();
        System.out.println("block cache: " + s);
        System.out.println(on.stats().format());
        assertTrue(s.hitRate() > 99.0, "hit rate " + s.hitRate());
        assertEquals(n, on.cpu.instructions);
        assertArrayEquals(state(off), state(on));
        assertFalse(s.interpretedSteps > 10);
    }

    @Test
    void anInstructionCrossingAPageBoundaryIsInterpretedAndBlocksStopAtThePageEnd() {
        // RAM code at 0x1FFC: nop, nop, then "mov eax, imm32" (5 bytes) straddling 0x2000, inc bx, retf.
        byte[] code = {(byte) 0x90, (byte) 0x90, 0x66, (byte) 0xB8, 0x11, 0x22, 0x33, 0x44, 0x43, (byte) 0xCB};
        String src = String.join("\n", "xor ax, ax", "mov ds, ax", "mov ss, ax", "mov sp, 0x7000",
                "mov cx, 300", ".l: call 0x0000:0x1FFC", "mov [0x3000], eax", "loop .l", "hlt");
        byte[] image = rom(src);
        Machine off = machine(image, false), on = machine(image, true);
        for (Machine m : new Machine[] {off, on}) m.memory.load(0x1FFC, code, 0, code.length);
        RunResult r1 = off.run(new RunLimits().maxInstructions(100_000));
        RunResult r2 = on.run(new RunLimits().maxInstructions(100_000));
        assertEquals(RunResult.Reason.HALTED_FOREVER, r2.reason);
        assertEquals(r1.instructions, r2.instructions);
        assertArrayEquals(state(off), state(on));
        assertEquals(0x44332211, on.memory.read32(0x3000));
        CacheStats s = on.engine().cacheStats();
        assertTrue(s.interpretedSteps >= 300, "straddling MOV interpreted: " + s);
        Block first = ((BlockCacheEngine) on.engine()).cache.lookup(0x1FFC, false);
        assertEquals(2, first.count, "block ends before the straddling instruction");
    }

    @Test
    void capacityOverflowFlushesTheCache() {
        PhysicalMemory mem = new PhysicalMemory(1 << 20);
        for (int a = 0; a < 0x10000; a++) mem.write8(a, 0xC3);          // RET everywhere: 1-instruction blocks
        BlockCache c = new BlockCache(mem);
        for (int k = 0; k < BlockCache.MAX_BLOCKS; k++) c.translate(k, k, true, -1);
        assertEquals(BlockCache.MAX_BLOCKS, c.size());
        assertEquals(BlockCache.WATCH_CODE, mem.watchFlags(3));
        c.translate(BlockCache.MAX_BLOCKS, BlockCache.MAX_BLOCKS, true, -1);
        assertEquals(1, c.size());
        assertEquals(BlockCache.MAX_BLOCKS, c.stats.invalCapacity);
        assertEquals(0, mem.watchFlags(3), "flushed pages are no longer watched");
        mem.write8(BlockCache.MAX_BLOCKS, 0x90);                        // the surviving block
        assertEquals(0, c.size());
        assertEquals(1, c.stats.invalOtherWrite);
    }

    @Test
    void memoryMapChangeDropsEverything() {
        Machine m = machine(rom("inc ax\njmp start"), true);
        m.run(new RunLimits().maxInstructions(100));
        BlockCache c = ((BlockCacheEngine) m.engine()).cache;
        assertTrue(c.size() > 0);
        m.memory.setA20(false);
        assertEquals(0, c.size());
        assertTrue(c.stats.invalMapChange > 0);
        m.run(new RunLimits().maxInstructions(100));
        assertTrue(c.size() > 0);
    }

    @Test
    void cacheOffUsesThePlainInterpreter() {
        Machine m = machine(rom("jmp start"), false);
        assertEquals("interpreter", m.engine().name());
        assertNull(m.engine().cacheStats());
        m.setTranslationCache(true);
        assertEquals("tcache", m.engine().name());
        assertEquals(PhysicalMemory.PAGE_SIZE, 4096);
    }
}

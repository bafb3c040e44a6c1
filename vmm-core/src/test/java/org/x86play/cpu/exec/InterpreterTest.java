package org.x86play.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;

/** Instruction semantics in flat 32-bit protected mode and in real mode (encodings from NASM). */
class InterpreterTest {
    private static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    private static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;

    @Test
    void addSetsAllSixFlags() {
        TestCpu t = TestCpu.flat32(0xb8, 0x78, 0x56, 0x34, 0x12, 0x05, 0x88, 0x88, 0x88, 0x88, 0xf4).run();
        assertEquals(0x9ABCDF00, t.r(EAX));
        assertEquals(PF | AF | SF, t.flags() & 0x8D5);
        assertEquals(3, t.cpu.instructions);
        assertEquals(TestCpu.CODE + 11, t.cpu.eip);
    }

    @Test
    void mulAndDivUse64BitPairs() {
        TestCpu t = TestCpu.flat32(0xb8, 0xff, 0xff, 0xff, 0xff, 0xb9, 0x02, 0x00, 0x00, 0x00, 0xf7, 0xe1, 0x89, 0xd3,
                0x89, 0xc6, 0xf7, 0xf1, 0xf4).run();
        assertEquals(1, t.r(EBX));
        assertEquals(0xFFFFFFFE, t.r(ESI));
        assertEquals(0xFFFFFFFF, t.r(EAX));
        assertEquals(0, t.r(EDX));
    }

    @Test
    void repMovsdCopies() {
        TestCpu t = TestCpu.flat32(0xbe, 0x00, 0x30, 0x00, 0x00, 0xbf, 0x00, 0x40, 0x00, 0x00, 0xb9, 0x04, 0x00, 0x00,
                0x00, 0xfc, 0xf3, 0xa5, 0xf4);
        for (int i = 0; i < 16; i++) t.memory.write8(0x3000 + i, i + 1);
        t.run();
        for (int i = 0; i < 16; i++) assertEquals(i + 1, t.memory.read8(0x4000 + i));
        assertEquals(0, t.r(ECX));
        assertEquals(0x3010, t.r(ESI));
        assertEquals(0x4010, t.r(EDI));
    }

    @Test
    void repneScasbStopsOnMatch() {
        TestCpu t = TestCpu.flat32(0xbf, 0x00, 0x30, 0x00, 0x00, 0xb9, 0x64, 0x00, 0x00, 0x00, 0xb0, 0x55, 0xf2, 0xae, 0xf4);
        t.memory.write8(0x300A, 0x55);
        t.run();
        assertEquals(0x300B, t.r(EDI));
        assertEquals(89, t.r(ECX));
        assertTrue((t.flags() & ZF) != 0);
    }

    @Test
    void callAndRet() {
        TestCpu t = TestCpu.flat32(0xe8, 0x04, 0x00, 0x00, 0x00, 0x83, 0xc0, 0x01, 0xf4, 0xb8, 0x05, 0x00, 0x00, 0x00, 0xc3).run();
        assertEquals(6, t.r(EAX));
        assertEquals(0x80000, t.r(ESP));
    }

    @Test
    void doubleShifts() {
        TestCpu t = TestCpu.flat32(0xb8, 0x01, 0x00, 0x00, 0x80, 0xba, 0x78, 0x56, 0x34, 0x12, 0x0f, 0xa4, 0xd0, 0x04,
                0xbb, 0x01, 0x00, 0x00, 0x80, 0x0f, 0xac, 0xd3, 0x08, 0xf4).run();
        assertEquals(0x00000011, t.r(EAX));
        assertEquals(0x78800000, t.r(EBX));
    }

    @Test
    void bitStringAddressing() {
        TestCpu t = TestCpu.flat32(0xbb, 0x00, 0x30, 0x00, 0x00, 0xb9, 0x23, 0x00, 0x00, 0x00, 0x0f, 0xab, 0x0b, 0xb9,
                0xff, 0xff, 0xff, 0xff, 0x0f, 0xa3, 0x4b, 0x04, 0xf4);
        t.memory.write8(0x3003, 0x80);
        t.run();
        assertEquals(8, t.memory.read32(0x3004));   // bts [ebx], 35 sets bit 3 of the dword at ebx+4
        assertTrue((t.flags() & CF) != 0);           // bt [ebx+4], -1 tests bit 31 of the dword at ebx
    }

    @Test
    void bitScan() {
        TestCpu t = TestCpu.flat32(0xb8, 0x00, 0x00, 0x10, 0x00, 0x0f, 0xbc, 0xc8, 0x0f, 0xbd, 0xd0, 0xbb, 0x00, 0x00,
                0x00, 0x00, 0x0f, 0xbc, 0xdb, 0xf4).run();
        assertEquals(20, t.r(ECX));
        assertEquals(20, t.r(EDX));
        assertEquals(0, t.r(EBX));
        assertTrue((t.flags() & ZF) != 0);
    }

    @Test
    void cmpxchg8bSwapsOnMatch() {
        TestCpu t = TestCpu.flat32(0xbe, 0x00, 0x30, 0x00, 0x00, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xba, 0x02, 0x00, 0x00,
                0x00, 0xbb, 0x11, 0x11, 0x11, 0x11, 0xb9, 0x22, 0x22, 0x22, 0x22, 0x0f, 0xc7, 0x0e, 0xf4);
        t.memory.write32(0x3000, 1);
        t.memory.write32(0x3004, 2);
        t.run();
        assertEquals(0x11111111, t.memory.read32(0x3000));
        assertEquals(0x22222222, t.memory.read32(0x3004));
        assertTrue((t.flags() & ZF) != 0);
    }

    @Test
    void xaddBswapMovsxImul() {
        TestCpu t = TestCpu.flat32(0xb8, 0x0a, 0x00, 0x00, 0x00, 0xbb, 0x14, 0x00, 0x00, 0x00, 0x0f, 0xc1, 0xd8, 0xb9,
                0x44, 0x33, 0x22, 0x11, 0x0f, 0xc9, 0xf4).run();
        assertEquals(30, t.r(EAX));
        assertEquals(10, t.r(EBX));
        assertEquals(0x44332211, t.r(ECX));
        t = TestCpu.flat32(0xb8, 0x80, 0x00, 0x00, 0x00, 0x0f, 0xbe, 0xd8, 0x0f, 0xb6, 0xc8, 0x66, 0xba, 0xfe, 0xff,
                0x0f, 0xbf, 0xf2, 0x6b, 0xfe, 0xfd, 0xf4).run();
        assertEquals(0xFFFFFF80, t.r(EBX));
        assertEquals(0x80, t.r(ECX));
        assertEquals(0xFFFFFFFE, t.r(ESI));
        assertEquals(6, t.r(EDI));
    }

    @Test
    void cmovAndSetcc() {
        TestCpu t = TestCpu.flat32(0x31, 0xc0, 0xbb, 0x07, 0x00, 0x00, 0x00, 0x83, 0xf8, 0x01, 0x0f, 0x42, 0xc3, 0x0f,
                0x9c, 0xc1, 0x0f, 0x9f, 0xc5, 0xf4).run();
        assertEquals(7, t.r(EAX));
        assertEquals(1, t.r(ECX) & 0xFFFF);
    }

    @Test
    void leaWithSib() {
        TestCpu t = TestCpu.flat32(0xbb, 0x00, 0x01, 0x00, 0x00, 0xbe, 0x03, 0x00, 0x00, 0x00, 0x8d, 0x44, 0xf3, 0x10,
                0x8d, 0x0c, 0xb5, 0x00, 0x00, 0x00, 0x00, 0xf4).run();
        assertEquals(0x128, t.r(EAX));
        assertEquals(12, t.r(ECX));
    }

    @Test
    void enterLeavePushaPopaLoop() {
        TestCpu t = TestCpu.flat32(0xbd, 0x34, 0x12, 0x00, 0x00, 0xc8, 0x08, 0x00, 0x00, 0x89, 0xe8, 0x89, 0xe3, 0xc9, 0xf4).run();
        assertEquals(0x7FFFC, t.r(EAX));
        assertEquals(0x7FFF4, t.r(EBX));
        assertEquals(0x1234, t.r(EBP));
        assertEquals(0x80000, t.r(ESP));
        t = TestCpu.flat32(0xb8, 0x01, 0x00, 0x00, 0x00, 0xb9, 0x02, 0x00, 0x00, 0x00, 0xba, 0x03, 0x00, 0x00, 0x00,
                0xbb, 0x04, 0x00, 0x00, 0x00, 0xbd, 0x06, 0x00, 0x00, 0x00, 0xbe, 0x07, 0x00, 0x00, 0x00, 0xbf, 0x08, 0x00,
                0x00, 0x00, 0x60, 0x31, 0xc0, 0x31, 0xc9, 0x31, 0xff, 0x61, 0xf4).run();
        assertEquals(1, t.r(EAX));
        assertEquals(2, t.r(ECX));
        assertEquals(8, t.r(EDI));
        assertEquals(0x80000, t.r(ESP));
        t = TestCpu.flat32(0x31, 0xc0, 0xb9, 0x05, 0x00, 0x00, 0x00, 0x01, 0xc8, 0xe2, 0xfc, 0xf4).run();
        assertEquals(15, t.r(EAX));
        assertEquals(0, t.r(ECX));
    }

    @Test
    void operandSizePrefixAndShifts() {
        TestCpu t = TestCpu.flat32(0xb8, 0xff, 0xff, 0x34, 0x12, 0x66, 0x83, 0xc0, 0x01, 0xf4).run();
        assertEquals(0x12340000, t.r(EAX));
        assertEquals(CF | ZF | PF | AF, t.flags() & 0x8D5);
        t = TestCpu.flat32(0xb0, 0x81, 0xd0, 0xd0, 0xb3, 0x81, 0xd0, 0xfb, 0xba, 0x00, 0x00, 0x00, 0x80, 0xc1, 0xea,
                0x1f, 0xb1, 0x0f, 0xc0, 0xc1, 0x04, 0xf4).run();
        assertEquals(0x02, t.r(EAX) & 0xFF);
        assertEquals(0xC0, t.r(EBX) & 0xFF);
        assertEquals(1, t.r(EDX));
        assertEquals(0xF0, t.r(ECX) & 0xFF);
    }

    @Test
    void bcdAdjusts() {
        TestCpu t = TestCpu.flat32(0xb0, 0x15, 0x04, 0x27, 0x27, 0x88, 0xc3, 0x66, 0xb8, 0x09, 0x09, 0xd5, 0x0a, 0x66,
                0x89, 0xc1, 0xb0, 0x4d, 0xd4, 0x0a, 0xf4).run();
        assertEquals(0x42, t.r(EBX) & 0xFF);
        assertEquals(0x63, t.r(ECX) & 0xFFFF);
        assertEquals(0x0707, t.r(EAX) & 0xFFFF);
    }

    @Test
    void pushImmediatesAndSignExtensions() {
        TestCpu t = TestCpu.flat32(0x68, 0x78, 0x56, 0x34, 0x12, 0x66, 0x68, 0x11, 0x11, 0x66, 0x58, 0x5b, 0xf4).run();
        assertEquals(0x1111, t.r(EAX) & 0xFFFF);
        assertEquals(0x12345678, t.r(EBX));
        assertEquals(0x80000, t.r(ESP));
        t = TestCpu.flat32(0xb8, 0xf0, 0xff, 0xff, 0xff, 0x99, 0xb9, 0x00, 0x80, 0xff, 0xff, 0x91, 0x98, 0xf4).run();
        assertEquals(-1, t.r(EDX));
        assertEquals(0xFFFFFFF0, t.r(ECX));
        assertEquals(0xFFFF8000, t.r(EAX));
    }

    // ---- real mode: faults are delivered through the IVT to a HLT at 0000:2000 ----

    private static TestCpu realWithHandlers(int... code) {
        TestCpu t = TestCpu.real(code);
        for (int v = 0; v < 256; v++) t.memory.write32(v * 4, 0x2000);
        t.memory.write8(0x2000, 0xF4);
        return t;
    }

    private static int stackedIp(TestCpu t) {
        return t.memory.read16(t.cpu.seg[Cpu.SS].base + (t.r(ESP) & 0xFFFF));
    }

    @Test
    void realModeLimitFaultReturnsToFaultingInstruction() {
        TestCpu t = realWithHandlers(0x31, 0xc0, 0x8e, 0xd8, 0xbb, 0xff, 0xff, 0x8b, 0x07, 0xf4).run();
        assertEquals(13, t.cpu.interpreter.lastFaultVector);
        assertEquals(0x2001, t.cpu.eip);
        assertEquals(0x1007, stackedIp(t));
        assertEquals(0x8000 - 6, t.r(ESP));
    }

    @Test
    void lockOnNonLockableIsUd() {
        TestCpu t = realWithHandlers(0xf0, 0x90, 0xf4).run();
        assertEquals(6, t.cpu.interpreter.lastFaultVector);
        assertEquals(0x1000, stackedIp(t));
    }

    @Test
    void divideByZeroIsDe() {
        TestCpu t = realWithHandlers(0xb1, 0x00, 0xf6, 0xf1, 0xf4).run();
        assertEquals(0, t.cpu.interpreter.lastFaultVector);
        assertEquals(0x1002, stackedIp(t));
    }

    @Test
    void unrealModeUsesCachedLimit() {
        int[] code = {0x66, 0xbb, 0x00, 0x00, 0x20, 0x00, 0x66, 0x67, 0x8b, 0x03, 0xf4};
        TestCpu t = realWithHandlers(code);
        t.cpu.seg[Cpu.DS].limit = 0xFFFFFFFF;
        t.memory.write32(0x200000, 0xCAFEBABE);
        t.run();
        assertEquals(0xCAFEBABE, t.r(EAX));
        t = realWithHandlers(code).run();
        assertEquals(13, t.cpu.interpreter.lastFaultVector);
    }

    @Test
    void ldsAndRepMovsb() {
        TestCpu t = realWithHandlers(0xc7, 0x06, 0x00, 0x30, 0x34, 0x12, 0xc7, 0x06, 0x02, 0x30, 0x00, 0x50, 0xc5, 0x36,
                0x00, 0x30, 0xf4).run();
        assertEquals(0x1234, t.r(ESI));
        assertEquals(0x5000, t.cpu.seg[Cpu.DS].selector);
        assertEquals(0x50000, t.cpu.seg[Cpu.DS].base);
        t = realWithHandlers(0xb9, 0x03, 0x00, 0xbe, 0x00, 0x30, 0xbf, 0x00, 0x40, 0xf3, 0xa4, 0xf4);
        t.load(0x3000, 1, 2, 3);
        t.run();
        assertEquals(0x030201, t.memory.read32(0x4000) & 0xFFFFFF);
    }

    @Test
    void realModePopfCanSetIopl() {
        TestCpu t = realWithHandlers(0x9c, 0x58, 0x68, 0xff, 0xfe, 0x9d, 0x9c, 0x5b, 0xf4).run();
        assertEquals(0x7ED7, t.r(EBX) & 0xFFFF);
        assertEquals(2, t.r(EAX) & 0xFFFF);
    }

    @Test
    void softwareInterrupt() {
        TestCpu t = realWithHandlers(0xcd, 0x21, 0xf4).run();
        assertEquals(0x2001, t.cpu.eip);
        assertEquals(0x1002, stackedIp(t));
    }

    @Test
    void faultRestoresStackPointer() {
        // push dword 0x12345; o32 ret -> #GP (target beyond CS limit) with SP as before the RET.
        TestCpu t = realWithHandlers(0x66, 0x68, 0x45, 0x23, 0x01, 0x00, 0x66, 0xc3, 0xf4).run();
        assertEquals(13, t.cpu.interpreter.lastFaultVector);
        assertEquals(0x8000 - 4 - 6, t.r(ESP));
        assertEquals(0x1006, stackedIp(t));
    }

    @Test
    void instructionLongerThan15BytesIsGp() {
        int[] code = new int[17];
        java.util.Arrays.fill(code, 0x66);
        code[15] = 0x90;
        code[16] = 0xF4;
        TestCpu t = realWithHandlers(code).run();
        assertEquals(13, t.cpu.interpreter.lastFaultVector);
        code = new int[16];
        java.util.Arrays.fill(code, 0x66);
        code[14] = 0x90;
        code[15] = 0xF4;
        t = realWithHandlers(code).run();
        assertEquals(-1, t.cpu.interpreter.lastFaultVector);
        assertEquals(0x1010, t.cpu.eip);
    }

    @Test
    void protectedModeSegmentChecks() {
        // Expand-down data segment with limit 0xFFF: offset 0x500 is outside (SDM Vol. 3 §5.3).
        TestCpu t = TestCpu.flat32(0xa1, 0x00, 0x05, 0x00, 0x00, 0xf4);
        t.cpu.seg[Cpu.DS].set(0x10, 0, 0xFFF, 0x4097);
        runIgnoringShutdown(t);
        assertEquals(13, t.cpu.interpreter.lastFaultVector);
        // The same segment accepts offset 0x5000.
        t = TestCpu.flat32(0xa1, 0x00, 0x50, 0x00, 0x00, 0xf4);
        t.cpu.seg[Cpu.DS].set(0x10, 0, 0xFFF, 0x4097);
        t.memory.write32(0x5000, 77);
        t.run();
        assertEquals(77, t.r(EAX));
        // A write to a read-only data segment.
        t = TestCpu.flat32(0xa3, 0x00, 0x05, 0x00, 0x00, 0xf4);
        t.cpu.seg[Cpu.DS].set(0x10, 0, 0xFFFFFFFF, 0xC091);
        runIgnoringShutdown(t);
        assertEquals(13, t.cpu.interpreter.lastFaultVector);
    }

    private static void runIgnoringShutdown(TestCpu t) {
        try {
            t.run(3);
        } catch (RuntimeException e) {
            // No IDT in this setup: delivery may end in shutdown; only the first fault matters here.
        }
    }

    @Test
    void userModeIoplRules() {
        // CPL 3, IOPL 0: CLI faults (SDM Vol. 2 CLI) ...
        TestCpu t = TestCpu.flat32(0xfa, 0xf4);
        t.cpu.cpl = 3;
        t.cpu.setEflags(2 | Cpu.IF);
        runIgnoringShutdown(t);
        assertEquals(13, t.cpu.interpreter.lastFaultVector);
        // ... and POPF silently keeps IF and IOPL while the arithmetic flags and DF change.
        t = TestCpu.flat32(0x68, 0xd5, 0x3e, 0x00, 0x00, 0x9d, 0x9c, 0x58, 0xeb, 0xfe);
        t.cpu.cpl = 3;
        t.cpu.setEflags(2);
        t.run(4);
        assertEquals(-1, t.cpu.interpreter.lastFaultVector);
        assertEquals(0x0CD7, t.r(EAX));
        // HLT outside ring 0 is #GP(0).
        t = TestCpu.flat32(0xf4);
        t.cpu.cpl = 3;
        runIgnoringShutdown(t);
        assertEquals(13, t.cpu.interpreter.lastFaultVector);
    }

    @Test
    void singleStepTrapAfterInstruction() {
        // TF set: after "nop" a #DB trap is delivered with the next IP on the stack (real mode IVT).
        TestCpu t = realWithHandlers(0x90, 0x90, 0xf4);
        t.cpu.setEflags(2 | Cpu.TF);
        t.cpu.step();
        assertEquals(0x2000, t.cpu.eip);
        assertEquals(0x1001, stackedIp(t));
        assertTrue((t.cpu.dr[6] & 0x4000) != 0);
    }

    @Test
    void repFaultLeavesCompletedIterations() {
        // DS limit 0x3001: the third byte faults; CX/SI/DI show two completed iterations and the
        // fault returns to the REP instruction so it can resume (SDM Vol. 2 REP).
        TestCpu t = realWithHandlers(0xb9, 0x05, 0x00, 0xbe, 0x00, 0x30, 0xbf, 0x00, 0x40, 0xf3, 0xa4, 0xf4);
        t.cpu.seg[Cpu.DS].limit = 0x3001;
        t.load(0x3000, 7, 8, 9);
        t.run();
        assertEquals(13, t.cpu.interpreter.lastFaultVector);
        assertEquals(3, t.r(ECX) & 0xFFFF);
        assertEquals(0x3002, t.r(ESI) & 0xFFFF);
        assertEquals(0x4002, t.r(EDI) & 0xFFFF);
        assertEquals(0x0807, t.memory.read16(0x4000));
        assertEquals(0x1009, stackedIp(t));
    }

    @Test
    void instructionBreakpointFaultsBeforeExecution() {
        TestCpu t = realWithHandlers(0x90, 0x40, 0xf4);   // nop; inc ax; hlt
        t.cpu.dr[0] = 0x1001;
        t.cpu.dr[7] = 0x401;                               // L0, R/W0 = execute, LEN0 = 1
        t.cpu.step();                                      // nop
        t.cpu.step();                                      // #DB before "inc ax"
        assertEquals(1, t.cpu.interpreter.lastFaultVector);
        assertEquals(0x2000, t.cpu.eip);
        assertEquals(0x1001, stackedIp(t));
        assertEquals(0, t.r(EAX) & 0xFFFF);
        assertEquals(1, t.cpu.dr[6] & 0xF);
    }
}

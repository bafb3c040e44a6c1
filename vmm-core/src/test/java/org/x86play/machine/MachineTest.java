package org.x86play.machine;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.cpu.TripleFault;
import org.x86play.cpu.UnimplementedInstruction;
import org.x86play.io.IoPortHandler;

class MachineTest {
    static final int ORG = 0x1000;

    /** A real-mode program loaded in RAM at 0000:1000 (independent of the ROM mapping). */
    static Machine ramProgram(String body) {
        byte[] code = Nasm.bin("bits 16\norg 0x1000\n" + body + "\n");
        Machine m = new Machine(1 << 20);
        m.memory.load(ORG, code, 0, code.length);
        m.cpu.seg[Cpu.CS].set(0, 0, 0xFFFF, 0x9B);
        m.cpu.eip = ORG;
        m.cpu.reg[Cpu.ESP] = 0x7000;
        return m;
    }

    static String serial(Machine m, ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void printsToCom1AndExitsThroughDebugPort() {
        Machine m = ramProgram("mov dx, 0x3F8\nmov al, 'h'\nout dx, al\nmov al, 'i'\nout dx, al\n"
                + "mov al, 0x21\nout 0xF4, al\nhlt");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.setSerialOutput(out::write);
        RunResult r = m.run(new RunLimits().maxInstructions(1000));
        assertEquals(RunResult.Reason.DEBUG_EXIT, r.reason, r.message);
        assertEquals((0x21 << 1) | 1, r.exitCode);
        assertEquals("hi", serial(m, out));
        assertEquals(7, r.instructions);
    }

    @Test
    void debugExitWithZeroGivesStatusOne() {
        Machine m = ramProgram("xor ax, ax\nout 0xF4, al\nhlt");
        RunResult r = m.run(new RunLimits());
        assertEquals(RunResult.Reason.DEBUG_EXIT, r.reason);
        assertEquals(1, r.exitCode);
    }

    @Test
    void hltWithInterruptsDisabledIsHaltedForever() {
        Machine m = ramProgram("cli\nhlt");
        RunResult r = m.run(new RunLimits().maxInstructions(100));
        assertEquals(RunResult.Reason.HALTED_FOREVER, r.reason);
        assertTrue(r.message.startsWith("CPU halted with interrupts disabled at 0000:0000100"), r.message);
    }

    @Test
    void hltWithInterruptsEnabledButNoSourceIsHaltedForever() {
        Machine m = ramProgram("sti\nhlt");
        RunResult r = m.run(new RunLimits().maxInstructions(100));
        assertEquals(RunResult.Reason.HALTED_FOREVER, r.reason);
        assertTrue(r.message.contains("no device can raise an interrupt"), r.message);
    }

    @Test
    void interruptControllerWakesHaltedCpu() {
        // IVT entry 0x20 -> handler at 0000:1100 that exits with 5.
        Machine m = ramProgram("mov word [0x80], 0x1100\nmov word [0x82], 0\nsti\nhlt\njmp $\n"
                + "times 0x100-($-$$) db 0\nmov al, 5\nout 0xF4, al\nhlt");
        int[] idleCalls = {0};
        boolean[] acked = {false};
        m.setInterruptController(new InterruptController() {
            public boolean hasInterrupt() { return !acked[0] && idleCalls[0] >= 3; }
            public int acknowledge() { acked[0] = true; return 0x20; }
            public boolean canInterruptLater() { return !acked[0]; }
            public void idle() { idleCalls[0]++; }
        });
        RunResult r = m.run(new RunLimits().maxInstructions(10_000));
        assertEquals(RunResult.Reason.DEBUG_EXIT, r.reason, r.message);
        assertEquals(11, r.exitCode);
        assertEquals(3, idleCalls[0]);
    }

    @Test
    void instructionLimitStopsAnEndlessLoopExactly() {
        Machine m = ramProgram("jmp $");
        RunResult r = m.run(new RunLimits().maxInstructions(10_001));
        assertEquals(RunResult.Reason.INSTRUCTION_LIMIT, r.reason);
        assertEquals(10_001, r.instructions);
        // A run resumes where the previous one stopped.
        RunResult again = m.run(new RunLimits().maxInstructions(5));
        assertEquals(RunResult.Reason.INSTRUCTION_LIMIT, again.reason);
        assertEquals(ORG, m.cpu.eip);
    }

    @Test
    void timeoutStopsAnEndlessLoop() {
        Machine m = ramProgram("jmp $");
        // Measured with the clock the run loop uses (millisecond ticks): nanoTime could see 149.x ms.
        long t0 = System.currentTimeMillis();
        RunResult r = m.run(new RunLimits().timeoutMillis(150));
        long ms = System.currentTimeMillis() - t0;
        assertEquals(RunResult.Reason.TIMEOUT, r.reason);
        assertTrue(ms >= 150 && ms < 5000, "took " + ms + " ms");
        assertTrue(r.instructions > 0);
    }

    /** A device that throws what the core may throw, to check the loop's mapping of each to a result. */
    private static RunResult runWithThrowingPort(RuntimeException e) {
        Machine m = ramProgram("mov al, 1\nout 0x99, al\nhlt");
        m.io.register(0x99, 1, new IoPortHandler() {
            public int in(int port, int size) { return 0; }
            public void out(int port, int size, int value) { throw e; }
        });
        return m.run(new RunLimits().maxInstructions(100));
    }

    @Test
    void coreExceptionsBecomeResults() {
        RunResult t = runWithThrowingPort(new TripleFault("test shutdown"));
        assertEquals(RunResult.Reason.TRIPLE_FAULT, t.reason);
        assertTrue(t.message.contains("test shutdown") && t.message.contains("0000:00001002"), t.message);
        assertEquals(2, t.instructions, "the instruction that failed counts");
        RunResult u = runWithThrowingPort(new UnimplementedInstruction("FROB"));
        assertEquals(RunResult.Reason.UNIMPLEMENTED, u.reason);
        assertTrue(u.message.contains("FROB"), u.message);
        RunResult h = runWithThrowingPort(new IllegalStateException("oops"));
        assertEquals(RunResult.Reason.HOST_ERROR, h.reason);
        assertTrue(h.message.contains("IllegalStateException: oops"), h.message);
    }

    @Test
    void realTripleFault() {
        // Real mode with an IDT limit of 0: INT 3 cannot be delivered (#GP), nor can #GP, nor #DF.
        Machine m = ramProgram("lidt [zero]\nint3\nhlt\nzero: dw 0\ndd 0");
        RunResult r = m.run(new RunLimits().maxInstructions(100));
        assertEquals(RunResult.Reason.TRIPLE_FAULT, r.reason, r.message);
    }

    @Test
    void postCodesReachTheListenerAndPortCanMove() {
        Machine m = ramProgram("mov al, 0x12\nout 0x80, al\nmov al, 0x34\nout 0x80, al\n"
                + "mov al, 0x56\nout 0x90, al\nout 0xF4, al");
        List<Integer> codes = new ArrayList<>();
        m.setPostCodeListener(codes::add);
        m.run(new RunLimits().maxInstructions(100));
        assertEquals(List.of(0x12, 0x34), codes);

        Machine m2 = ramProgram("mov al, 0x12\nout 0x80, al\nmov al, 0x56\nout 0x90, al\nout 0xF4, al");
        List<Integer> codes2 = new ArrayList<>();
        m2.setPostCodeListener(codes2::add);
        m2.setPostCodePort(0x90);
        m2.run(new RunLimits().maxInstructions(100));
        assertEquals(List.of(0x56), codes2);
        assertThrows(IllegalArgumentException.class, () -> m2.setPostCodePort(0xF4));
        assertThrows(IllegalArgumentException.class, () -> m2.setPostCodePort(0x3FD));
    }

    @Test
    void serialInputIsFlowControlledAndLossless() {
        // Echo 300 bytes: poll LSR.DR, read RBR, write THR; then exit.
        Machine m = ramProgram("mov cx, 300\n"
                + "next: mov dx, 0x3FD\npoll: in al, dx\ntest al, 1\njz poll\n"
                + "mov dx, 0x3F8\nin al, dx\nout dx, al\nloop next\nout 0xF4, al");
        byte[] input = new byte[300];
        for (int i = 0; i < input.length; i++) input[i] = (byte) (i * 7);
        int[] pos = {0};
        int[] maxAhead = {0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.setSerialOutput(b -> out.write(b));
        m.setSerialInput(() -> {
            // Never more than the UART can hold beyond what the guest has echoed.
            maxAhead[0] = Math.max(maxAhead[0], pos[0] - out.size());
            return pos[0] < input.length ? input[pos[0]++] & 0xFF : -1;
        });
        RunResult r = m.run(new RunLimits().maxInstructions(1_000_000));
        assertEquals(RunResult.Reason.DEBUG_EXIT, r.reason, r.message);
        assertArrayEquals(input, out.toByteArray());
        assertTrue(maxAhead[0] <= 1, "host bytes taken before the guest read the previous one: " + maxAhead[0]);
    }

    @Test
    void traceKeepsTheLastInstructions() {
        Machine m = ramProgram("mov ax, 1\nmov bx, 2\nadd ax, bx\nmov al, 0\nout 0xF4, al");
        m.setTrace(3);
        m.run(new RunLimits().maxInstructions(100));
        String[] lines = m.trace().render();
        assertEquals(3, lines.length);
        assertTrue(lines[0].startsWith("0000:00001006 (00001006)  01 D8"), lines[0]);
        assertTrue(lines[2].startsWith("0000:0000100A (0000100A)  E6 F4"), lines[2]);
        assertTrue(lines[2].contains("out"), lines[2]);
    }

    @Test
    void traceOffByDefault() {
        Machine m = ramProgram("mov al, 0\nout 0xF4, al");
        m.run(new RunLimits());
        assertNull(m.trace());
        assertThrows(IllegalArgumentException.class, () -> m.setTrace(-1));
    }

    @Test
    void rejectsBadBiosImages() {
        Machine m = new Machine(1 << 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loadBios(new byte[0]));
        assertTrue(e.getMessage().contains("empty"));
        e = assertThrows(IllegalArgumentException.class, () -> m.loadBios(new byte[1000]));
        assertTrue(e.getMessage().contains("multiple of 64 KiB"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.loadBios(new byte[(16 << 20) + (64 << 10)]));
        assertTrue(e.getMessage().contains("16 MiB"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Machine(4096));
    }

    /** A 64 KiB ROM image: code at its start, a far jump at the reset vector (offset 0xFFF0). */
    static byte[] rom(String body) {
        return Nasm.bin("bits 16\norg 0\nstart:\n" + body + "\ntimes 0xFFF0-($-$$) db 0xF4\n"
                + "jmp 0xF000:start\ntimes 0x10000-($-$$) db 0xF4\n");
    }

    @Test
    void biosRomBootsFromTheResetVector() {
        byte[] image = rom("mov dx, 0x3F8\nmov al, 'h'\nout dx, al\nmov al, 'i'\nout dx, al\n"
                + "mov al, [cs:data]\nout dx, al\nmov al, 0\nout 0xF4, al\nhlt\ndata: db '!'");
        assertEquals(65536, image.length);
        Machine m = new Machine(16 << 20);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.setSerialOutput(out::write);
        m.loadBios(image);
        assertEquals(0xFFF0, m.cpu.eip);
        RunResult r = m.run(new RunLimits().maxInstructions(1000));
        assertEquals(RunResult.Reason.DEBUG_EXIT, r.reason, r.message);
        assertEquals(1, r.exitCode);
        assertEquals("hi!", serial(m, out));
    }

    @Test
    void biosTopAndLowAliasHoldTheSameBytes() {
        byte[] image = new byte[256 << 10];
        for (int i = 0; i < image.length; i++) image[i] = (byte) (i * 31 + (i >> 16));
        Machine m = new Machine(16 << 20);
        m.loadBios(image);
        assertEquals(image[0] & 0xFF, m.memory.read8(0xFFFC0000));
        assertEquals(image[image.length - 1] & 0xFF, m.memory.read8(0xFFFFFFFF));
        // last 128 KiB at 0xE0000..0xFFFFF
        assertEquals(image[image.length - (128 << 10)] & 0xFF, m.memory.read8(0xE0000));
        assertEquals(image[image.length - 16] & 0xFF, m.memory.read8(0xFFFF0));
    }
}

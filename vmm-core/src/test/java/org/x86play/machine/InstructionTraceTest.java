package org.x86play.machine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;

class InstructionTraceTest {
    static Machine flat32() {
        Machine m = new Machine(1 << 20);
        Cpu cpu = m.cpu;
        cpu.seg[Cpu.CS].set(0x08, 0, 0xFFFFFFFF, 0xC09B);
        for (int s : new int[] {Cpu.ES, Cpu.SS, Cpu.DS, Cpu.FS, Cpu.GS}) cpu.seg[s].set(0x10, 0, 0xFFFFFFFF, 0xC093);
        cpu.writeCr(0, cpu.cr0 | Cpu.CR0_PE);
        return m;
    }

    @Test
    void recordsOnlyTheInstructionBytesAndWrapsAround() {
        Machine m = flat32();
        // mov eax, 0x12345678 ; nop ; nop
        byte[] code = {(byte) 0xB8, 0x78, 0x56, 0x34, 0x12, (byte) 0x90, (byte) 0x90};
        m.memory.load(0x2000, code, 0, code.length);
        InstructionTrace t = new InstructionTrace(2);
        m.cpu.eip = 0x2000;
        t.record(m.cpu);
        assertEquals(1, t.size());
        String line = t.render()[0];
        assertTrue(line.startsWith("0008:00002000 (00002000)  B8 78 56 34 12 "), line);
        assertFalse(line.contains("90"), "bytes after the instruction are not part of it: " + line);
        assertTrue(line.contains("mov eax, 0x12345678"), line);
        m.cpu.eip = 0x2005;
        t.record(m.cpu);
        m.cpu.eip = 0x2006;
        t.record(m.cpu);
        String[] lines = t.render();
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("0008:00002005") && lines[1].startsWith("0008:00002006"), String.join("\n", lines));
        assertTrue(lines[1].contains("nop"), lines[1]);
    }

    @Test
    void unmappedCodeIsReportedNotThrown() {
        Machine m = flat32();
        m.cpu.writeCr(3, 0x10000);             // an empty page directory: nothing is mapped
        m.cpu.writeCr(0, m.cpu.cr0 | Cpu.CR0_PG);
        m.cpu.eip = 0x5000;
        InstructionTrace t = new InstructionTrace(4);
        t.record(m.cpu);
        assertTrue(t.render()[0].contains("(code not readable)"), t.render()[0]);
    }
}

package org.x86play.cpu.exec;

import org.x86play.cpu.Cpu;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

/** A small machine for interpreter tests: code at 0x1000, flat 32-bit protected mode or real mode. */
final class TestCpu {
    final PhysicalMemory memory = new PhysicalMemory(4 << 20);
    final IoBus io = new IoBus();
    final Cpu cpu = new Cpu(memory, io);
    static final int CODE = 0x1000;

    /** Flat 4 GiB segments, 32-bit code and stack, CPL 0, paging off (SDM Vol. 3 §3.2.1 basic flat model). */
    static TestCpu flat32(int... code) {
        TestCpu t = new TestCpu();
        Cpu c = t.cpu;
        c.cr0 = Cpu.CR0_PE | Cpu.CR0_ET;
        c.mmu.setControl(c.cr0, 0, 0);
        for (int i = 0; i < 6; i++) c.seg[i].set(0x10, 0, 0xFFFFFFFF, 0xC093);
        c.seg[Cpu.CS].set(0x08, 0, 0xFFFFFFFF, 0xC09B);
        c.cpl = 0;
        c.setEflags(2);
        c.reg[Cpu.ESP] = 0x80000;
        c.eip = CODE;
        t.load(CODE, code);
        return t;
    }

    /** Real mode, all segments 0, IP = 0x1000, SP = 0x8000. */
    static TestCpu real(int... code) {
        TestCpu t = new TestCpu();
        Cpu c = t.cpu;
        for (int i = 0; i < 6; i++) c.seg[i].set(0, 0, 0xFFFF, i == Cpu.CS ? 0x9B : 0x93);
        c.eip = CODE;
        c.reg[Cpu.ESP] = 0x8000;
        c.setEflags(2);
        t.load(CODE, code);
        return t;
    }

    void load(int addr, int... bytes) {
        for (int i = 0; i < bytes.length; i++) memory.write8(addr + i, bytes[i]);
    }

    /** Steps until HLT (at most {@code max} instructions). */
    TestCpu run(int max) {
        for (int i = 0; i < max && !cpu.halted; i++) cpu.step();
        return this;
    }

    TestCpu run() { return run(1000); }

    int r(int i) { return cpu.reg[i]; }
    int flags() { return cpu.getEflags(); }
}

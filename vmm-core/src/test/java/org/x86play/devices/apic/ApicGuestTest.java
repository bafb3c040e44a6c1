package org.x86play.devices.apic;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.devices.pic.DualPic;
import org.x86play.machine.Machine;
import org.x86play.machine.Nasm;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;
import org.x86play.time.VirtualClock;

/**
 * A real-mode guest with a flat 4 GiB DS ("unreal mode") programs the local APIC through its page at
 * 0xFEE00000 and IA32_APIC_BASE: the periodic timer wakes HLT three times, then it disables the APIC.
 */
class ApicGuestTest {
    @Test
    void periodicTimerWakesHaltedGuestAndMsrDisablesTheApic() {
        String src = String.join("\n",
                "bits 16", "org 0x1000",
                "  cli",
                "  mov word [0x40*4], isr", "  mov word [0x40*4+2], 0",
                "  mov eax, 1", "  cpuid", "  mov [0x500], edx",
                "  mov ecx, 0x1B", "  rdmsr", "  mov [0x504], eax",
                "  mov dword [dword 0xFEE000F0], 0x1FF",       // SVR: software enable
                "  mov dword [dword 0xFEE003E0], 0xB",         // divide by 1: 10 ns per tick
                "  mov dword [dword 0xFEE00320], 0x20040",     // periodic, vector 0x40
                "  mov dword [dword 0xFEE00380], 100000",      // 1 ms
                "  sti",
                "halt: hlt",
                "  cmp word [0x510], 3", "  jb halt",
                "  cli",
                "  mov eax, [dword 0xFEE00030]", "  mov [0x508], eax",
                "  mov ecx, 0x1B", "  rdmsr", "  and eax, ~0x800", "  wrmsr",
                "  mov eax, [dword 0xFEE00030]", "  mov [0x50C], eax",
                "  mov al, 0", "  out 0xF4, al",
                "isr:",
                "  inc word [0x510]",
                "  mov dword [dword 0xFEE000B0], 0",           // EOI
                "  iret");
        byte[] code = Nasm.bin(src);
        Machine m = new Machine(1 << 20);
        m.memory.load(0x1000, code, 0, code.length);
        m.cpu.seg[Cpu.CS].set(0, 0, 0xFFFF, 0x9B);
        m.cpu.seg[Cpu.DS].set(0, 0, 0xFFFFFFFF, 0x93);
        m.cpu.eip = 0x1000;
        m.cpu.reg[Cpu.ESP] = 0x7000;

        VirtualClock clock = new VirtualClock();
        clock.setInstructionCounter(() -> m.cpu.instructions);
        LocalApic apic = new LocalApic(clock);
        apic.attach(m.cpu);
        DualPic pic = new DualPic();
        pic.setClock(clock);
        m.setInterruptController(new ApicInterruptController(apic, pic, clock));

        RunResult r = m.run(new RunLimits().maxInstructions(100_000));
        assertEquals(RunResult.Reason.DEBUG_EXIT, r.reason, r.message);
        assertEquals(1 << 9, m.memory.read32(0x500) & (1 << 9), "CPUID.1:EDX.APIC");
        assertEquals(0xFEE00900, m.memory.read32(0x504));
        assertEquals(3, m.memory.read16(0x510));
        assertEquals(LocalApic.VERSION, m.memory.read32(0x508));
        assertEquals(-1, m.memory.read32(0x50C), "globally disabled: the page is gone");
        assertEquals(0xFEE00100, apic.apicBase());
        long now = clock.now();
        assertTrue(now >= 3_000_000L && now < 3_100_000L, "three 1 ms periods, idled through: " + now);
        assertTrue(r.instructions < 1000, "HLT skipped the waiting: " + r.instructions);
    }
}

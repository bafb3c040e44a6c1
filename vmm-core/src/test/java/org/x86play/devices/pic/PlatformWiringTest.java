package org.x86play.devices.pic;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.devices.pit.Pit8254;
import org.x86play.devices.ps2.A20Control;
import org.x86play.devices.ps2.I8042;
import org.x86play.devices.ps2.SystemControlPortA;
import org.x86play.devices.rtc.Mc146818;
import org.x86play.devices.vga.Vga;
import org.x86play.machine.Machine;
import org.x86play.machine.Nasm;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;
import org.x86play.time.VirtualClock;

/** The platform devices wired to a {@link Machine} the way the report describes, driven by a real-mode guest. */
class PlatformWiringTest {
    static final class Platform {
        final VirtualClock clock = new VirtualClock();
        final DualPic pic = new DualPic();
        final Pit8254 pit;
        final Mc146818 rtc;
        final I8042 kbc;
        final Vga vga = new Vga();
        int resets;

        Platform(Machine m) {
            clock.setInstructionCounter(() -> m.cpu.instructions);
            pic.setClock(clock);
            pic.attach(m.io);
            m.setInterruptController(pic);
            pit = new Pit8254(clock, pic);
            pit.attach(m.io);
            rtc = new Mc146818(clock, pic, () -> 1_700_000_000_000L); // 2023-11-14 22:13:20 UTC
            rtc.setMemorySize(m.memory.ramSize(), 0);
            rtc.attach(m.io);
            A20Control a20 = new A20Control(m.memory::setA20, true);
            kbc = new I8042(pic, a20, () -> resets++);
            kbc.attach(m.io);
            new SystemControlPortA(a20, () -> resets++).attach(m.io);
            vga.attach(m.io, m.memory);
        }
    }

    @Test
    void timerInterruptsWakeAHaltedGuestAndTheScreenShowsTheResult() {
        String src = String.join("\n",
                "bits 16", "org 0x1000",
                "  cli",
                "  xor ax, ax", "  mov ds, ax", "  mov es, ax",
                "  mov word [0x20*4], irq0", "  mov word [0x20*4+2], 0",
                "  mov al, 0x11", "  out 0x20, al", "  mov al, 0x20", "  out 0x21, al",
                "  mov al, 0x04", "  out 0x21, al", "  mov al, 0x01", "  out 0x21, al",
                "  mov al, 0xFE", "  out 0x21, al",           // only IRQ0
                "  mov al, 0x34", "  out 0x43, al",           // PIT ch0 mode 2
                "  mov ax, 1193", "  out 0x40, al", "  mov al, ah", "  out 0x40, al", // ~1 kHz
                "  sti",
                "idle_loop:",
                "  hlt",
                "  cmp word [count], 10", "  jb idle_loop",
                "  cli",
                "  mov al, 0x00", "  out 0x70, al", "  in al, 0x71", "  mov [secs], al", // RTC seconds (BCD)
                "  mov ax, 0xB800", "  mov es, ax",
                "  mov word [es:0], 0x1F4F",                  // 'O' white on blue
                "  mov word [es:2], 0x1F4B",                  // 'K'
                "  mov dx, 0x3D4", "  mov ax, 0x000E", "  out dx, ax", "  mov ax, 0x020F", "  out dx, ax",
                "  mov al, 0", "  out 0xF4, al",
                "  hlt",
                "irq0:",
                "  inc word [cs:count]",
                "  push ax", "  mov al, 0x20", "  out 0x20, al", "  pop ax",
                "  iret",
                "count: dw 0",
                "secs: db 0");
        byte[] code = Nasm.bin(src);
        Machine m = new Machine(2 << 20);
        Platform p = new Platform(m);
        m.memory.load(0x1000, code, 0, code.length);
        m.cpu.seg[Cpu.CS].set(0, 0, 0xFFFF, 0x9B);
        m.cpu.eip = 0x1000;
        m.cpu.reg[Cpu.ESP] = 0x7000;
        RunResult r = m.run(new RunLimits().maxInstructions(1_000_000));
        assertEquals(RunResult.Reason.DEBUG_EXIT, r.reason, r.message);
        assertEquals(10, m.memory.read16(0x1000 + code.length - 3), "ten timer interrupts");
        long ms = p.clock.now() / 1_000_000;
        assertTrue(ms >= 9 && ms <= 11, "about 10 ms of guest time, was " + p.clock.now() + " ns");
        assertTrue(r.instructions < 10_000, "idle time was skipped, not executed: " + r.instructions);
        assertEquals(0x20, m.memory.read8(0x1000 + code.length - 1), "RTC seconds in BCD");
        assertEquals("OK", p.vga.text().trimmedRow(0));
        assertEquals(0x1F, p.vga.text().attribute(0, 0));
        assertEquals(0, p.vga.text().cursorRow());
        assertEquals(2, p.vga.text().cursorColumn());
    }
}

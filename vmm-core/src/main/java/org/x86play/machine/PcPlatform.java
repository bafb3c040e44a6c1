package org.x86play.machine;

import org.x86play.devices.pic.DualPic;
import org.x86play.devices.pit.Pit8254;
import org.x86play.devices.ps2.A20Control;
import org.x86play.devices.ps2.I8042;
import org.x86play.devices.ps2.SystemControlPortA;
import org.x86play.devices.rtc.Mc146818;
import org.x86play.devices.rtc.WallClock;
import org.x86play.devices.vga.Vga;
import org.x86play.time.VirtualClock;

/**
 * The legacy PC devices around a {@link Machine}: the 8259A pair as its interrupt controller, the 8254
 * PIT (IRQ0, port 0x61), the MC146818 RTC/CMOS (IRQ8, memory-size bytes), the i8042 with keyboard and
 * mouse plus port 0x92 (A20, reset), VGA text mode, and COM1's IRQ4 — all on a virtual clock driven by
 * executed instructions and skipped ahead while the CPU is halted, so runs are reproducible and an idle
 * guest costs no host time. PCI, the APICs and ACPI come next.
 */
public final class PcPlatform {
    public static final int COM1_IRQ = 4;

    public final VirtualClock clock = new VirtualClock();
    public final DualPic pic = new DualPic();
    public final Pit8254 pit;
    public final Mc146818 rtc;
    public final I8042 keyboardController;
    public final Vga vga = new Vga();
    private final Machine machine;
    private boolean resetRequested;

    /** Wires the devices into {@code m}; {@code wallClock} gives the RTC's power-on date and time. */
    public PcPlatform(Machine m, WallClock wallClock) {
        machine = m;
        clock.setInstructionCounter(() -> m.cpu.instructions);
        pic.setClock(clock);
        pic.attach(m.io);
        m.setInterruptController(pic);
        pit = new Pit8254(clock, pic);
        pit.attach(m.io);
        rtc = new Mc146818(clock, pic, wallClock);
        rtc.setMemorySize(m.memory.ramSize(), 0);
        rtc.attach(m.io);
        A20Control a20 = new A20Control(m.memory::setA20, true);
        keyboardController = new I8042(pic, a20, () -> resetRequested = true);
        keyboardController.attach(m.io);
        new SystemControlPortA(a20, () -> resetRequested = true).attach(m.io);
        vga.attach(m.io, m.memory);
        m.addChunkHook(this::afterChunk);
    }

    /** Once per chunk: device time catches up, COM1's interrupt line follows the UART, the TSC follows guest time. */
    private void afterChunk() {
        clock.sync();
        pic.setIrq(COM1_IRQ, machine.com1.irqAsserted());
        // The TSC counts guest time, including time skipped while halted (one tick per instruction slot).
        long cycles = clock.cycles();
        if (cycles > machine.cpu.tsc) machine.cpu.tsc = cycles;
        if (resetRequested) {
            // A reset pulse from the keyboard controller or port 0x92 (taken at the chunk boundary).
            resetRequested = false;
            machine.cpu.reset();
        }
    }
}

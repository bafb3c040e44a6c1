package org.x86play.machine;

import java.util.function.LongConsumer;
import org.x86play.acpi.AcpiConfig;
import org.x86play.acpi.AcpiTables;
import org.x86play.devices.acpi.AcpiPm;
import org.x86play.devices.apic.ApicInterruptController;
import org.x86play.devices.apic.IoApic;
import org.x86play.devices.apic.IsaIrqRouter;
import org.x86play.devices.apic.LocalApic;
import org.x86play.devices.debug.DebugConsole;
import org.x86play.devices.fwcfg.FwCfg;
import org.x86play.devices.pic.DualPic;
import org.x86play.devices.pic.IrqLines;
import org.x86play.devices.pit.Pit8254;
import org.x86play.devices.ps2.A20Control;
import org.x86play.devices.ps2.I8042;
import org.x86play.devices.ps2.SystemControlPortA;
import org.x86play.devices.rtc.Mc146818;
import org.x86play.devices.rtc.WallClock;
import org.x86play.devices.serial.Uart16550;
import org.x86play.devices.vga.Vga;
import org.x86play.memory.PhysicalMemory;
import org.x86play.pci.PciPlatform;
import org.x86play.time.HostTime;
import org.x86play.time.VirtualClock;

/**
 * The PC around a {@link Machine}, as an i440FX/PIIX3 board with one CPU: the 8259A pair and the local
 * APIC + I/O APIC as interrupt controllers, the 8254 PIT (IRQ0, port 0x61), the MC146818 RTC/CMOS (IRQ8,
 * memory-size bytes), the i8042 with keyboard and mouse plus port 0x92 (A20, reset), VGA text mode,
 * COM1..COM4, the PCI host and ISA bridges (reset through 0xCF9), the ACPI PM block (SCI on IRQ9,
 * power-off ends the run) and QEMU's fw_cfg. Everything runs on one virtual clock driven by executed
 * instructions and skipped ahead while the CPU is halted, so runs are reproducible and an idle guest
 * costs no host time.
 * <p>
 * ISA interrupt lines go to both the PIC and the I/O APIC ({@link IsaIrqRouter}; IRQ0 on pin 2, as the
 * MADT's interrupt source override says). Firmware-less boots (--kernel, Multiboot) get ACPI tables
 * from {@link #installAcpiTables()}; SeaBIOS builds its own view of the machine.
 */
public final class PcPlatform {
    /** Legacy serial ports: base and ISA IRQ (COM1/COM3 share IRQ4, COM2/COM4 IRQ3). */
    static final int[] UART_PORTS = {0x3F8, 0x2F8, 0x3E8, 0x2E8}, UART_IRQS = {4, 3, 4, 3};
    /** RSDP in the BIOS area Linux scans (0xE0000..0xFFFFF, reserved in the e820 map); tables follow it. */
    public static final int RSDP_ADDRESS = 0xF0000, ACPI_TABLES = 0xF0040;

    public final VirtualClock clock = new VirtualClock();
    public final DualPic pic = new DualPic();
    public final LocalApic localApic;
    public final IoApic ioApic;
    /** Where ISA devices raise their IRQs: PIC and I/O APIC together. */
    public final IrqLines isaIrqs;
    public final Pit8254 pit;
    public final Mc146818 rtc;
    public final I8042 keyboardController;
    /** Port 0x92 (fast A20, reset). */
    public final SystemControlPortA portA;
    public final Vga vga = new Vga();
    public final Uart16550[] uarts = new Uart16550[4];
    public final PciPlatform pci;
    public final AcpiPm acpiPm;
    public final FwCfg fwCfg;
    /** Firmware log port 0x402 (QEMU debugcon); give it a sink to see SeaBIOS's messages. */
    public final DebugConsole debugConsole = new DebugConsole();
    private final AcpiConfig acpiConfig = new AcpiConfig();
    private final Machine machine;
    private LongConsumer hostWait;

    /** Wires the devices into {@code m}; {@code wallClock} gives the RTC's power-on date and time. */
    public PcPlatform(Machine m, WallClock wallClock) {
        machine = m;
        clock.setInstructionCounter(() -> m.cpu.instructions);
        pic.setClock(clock);
        pic.attach(m.io);
        localApic = new LocalApic(clock);
        localApic.attach(m.cpu);
        ioApic = new IoApic(acpiConfig.ioApicId, localApic);
        ioApic.attach(m.memory);
        localApic.setEoiListener(ioApic::eoi);
        isaIrqs = new IsaIrqRouter(pic, ioApic);
        InterruptController apics = new ApicInterruptController(localApic, pic, clock);
        m.setInterruptController(new InterruptController() {
            @Override public boolean hasInterrupt() { return apics.hasInterrupt(); }
            @Override public int acknowledge() { return apics.acknowledge(); }
            @Override public boolean canInterruptLater() { return apics.canInterruptLater(); }
            @Override public void idle() { idleHalted(); }
        });

        pit = new Pit8254(clock, isaIrqs);
        pit.attach(m.io);
        rtc = new Mc146818(clock, isaIrqs, wallClock);
        rtc.setMemorySize(m.memory.ramSize(), 0);
        rtc.attach(m.io);
        A20Control a20 = new A20Control(m.memory::setA20, true);
        keyboardController = new I8042(isaIrqs, a20, this::requestReset);
        keyboardController.attach(m.io);
        portA = new SystemControlPortA(a20, this::requestReset);
        portA.attach(m.io);
        vga.attach(m.io, m.memory);
        uarts[0] = m.com1;
        for (int i = 1; i < uarts.length; i++) {
            uarts[i] = new Uart16550();
            m.io.register(UART_PORTS[i], 8, uarts[i]);
        }
        for (Uart16550 u : uarts) u.setIrqListener(this::updateSerialIrqs);
        pci = new PciPlatform(m.io, m.memory, isaIrqs, this::requestReset);
        // Shadow RAM for the BIOS area: with a firmware ROM loaded (--bios) it starts from the ROM side.
        boolean firmware = (m.memory.pageEntry(0xFFFF0) & 3) == PhysicalMemory.KIND_ROM;
        pci.i440fx.enableShadowing(m.memory, firmware);
        acpiPm = new AcpiPm(clock, isaIrqs, acpiConfig.pmBase, m::powerOff);
        acpiPm.attach(m.io);
        fwCfg = new FwCfg(m.memory.ramSize(), 1, 1);
        fwCfg.attach(m.io);
        m.io.register(DebugConsole.DEFAULT_PORT, 1, debugConsole);
        m.addChunkHook(this::afterChunk);
    }

    /**
     * Writes the ACPI tables (RSDP at {@link #RSDP_ADDRESS}, then FACS, DSDT, FADT, MADT, RSDT) into RAM for
     * a boot without firmware. Needs RAM, not ROM, at 0xF0000 (no --bios).
     */
    public void installAcpiTables() {
        AcpiTables.install(machine.memory, RSDP_ADDRESS, ACPI_TABLES, acpiConfig);
    }

    /**
     * Names COM1 in fw_cfg {@code etc/sercon-port}: SeaBIOS then runs its serial console there (its text
     * screen goes to COM1 instead of the VGA text console when no VGA BIOS is loaded).
     */
    public void enableFirmwareSerialConsole() {
        fwCfg.addFile("etc/sercon-port", new byte[] {(byte) 0xF8, 0x03, 0, 0, 0, 0, 0, 0});
    }

    /**
     * Real-time pacing for interactive use: guest time may not run ahead of {@code host} time, and while the
     * CPU is halted {@code hostWait} is asked to wait (the embedder sleeps, or returns at once in a browser
     * slice) until the next timer is due, at most {@link #MAX_IDLE_WAIT_NS}, so that host input is polled
     * often. Null restores the reproducible virtual clock (halts skip straight to the next deadline).
     */
    public void setRealTime(HostTime host, LongConsumer hostWait) {
        clock.setPacing(host);
        this.hostWait = host == null ? null : hostWait;
    }

    /** Upper bound of one host wait while halted in real-time mode (10 ms: keyboard latency stays low). */
    public static final long MAX_IDLE_WAIT_NS = 10_000_000L;

    /** The CPU is halted with IF=1: skip (virtual) or wait for (real-time) the next event; look for host input. */
    private void idleHalted() {
        long deadline = clock.nextDeadline();
        clock.idle();
        // Paced, the idle skip stopped at host time short of the next deadline: nothing but host input can
        // happen before it, so the embedder waits. (Paced idle() reports "moved" whenever host time crept on
        // by a few ns, so its result cannot decide this: that spun the CPU while the guest idled.)
        if (hostWait != null && clock.committed() < deadline) {
            long wait = clock.idleWaitNanos(); // 0 when no timer is pending
            hostWait.accept(wait > 0 ? Math.min(wait, MAX_IDLE_WAIT_NS) : MAX_IDLE_WAIT_NS);
            for (Uart16550 u : uarts) u.pollInput();
        }
        // The TSC must see the time that passed while halted at once, not at the end of the chunk: Linux's
        // clocksource is the TSC, and a lagging one looks like a stalled CPU (soft-lockup warnings).
        syncTsc();
    }

    /** The TSC counts guest time, including time skipped while halted (one tick per instruction slot). */
    private void syncTsc() {
        long cycles = clock.cycles();
        if (cycles > machine.cpu.tsc) machine.cpu.tsc = cycles;
    }

    /**
     * A reset pulse from the keyboard controller, port 0x92 or 0xCF9: the CPU is reset at once, at the end of
     * the OUT that asked for it (firmware often falls through to a deliberate triple fault if it is not).
     * Chipset and device state stay (a CPU-only reset; firmware copes with both, as on PC boards).
     */
    private void requestReset() {
        machine.cpu.reset();
    }

    /** IRQ3 and IRQ4 are each shared by two UARTs: the line is high while either asserts it. */
    private void updateSerialIrqs() {
        boolean irq3 = false, irq4 = false;
        for (int i = 0; i < uarts.length; i++) {
            if (!uarts[i].irqAsserted()) continue;
            if (UART_IRQS[i] == 4) irq4 = true;
            else irq3 = true;
        }
        isaIrqs.setIrq(3, irq3);
        isaIrqs.setIrq(4, irq4);
    }

    /** Once per chunk: device time catches up and the TSC follows it. */
    private void afterChunk() {
        clock.sync();
        syncTsc();
    }
}

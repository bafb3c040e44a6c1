package org.x86play.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.x86play.machine.Machine;
import org.x86play.machine.PcPlatform;

/**
 * Each device section on its own: drive a device into a non-trivial state through its ports, save it, load it
 * into the same device of a freshly built machine, and check that (1) the loaded device saves to the same bytes
 * and (2) both devices behave the same from then on (the same probe sequence of port/MMIO accesses, with guest
 * time moving in between, gives the same values).
 */
class DeviceSectionTest {
    interface Save { void save(PcPlatform p, Machine m, StateWriter w); }
    interface Load { void load(PcPlatform p, Machine m, StateReader r) throws SnapshotFormatException; }

    private static final class Board {
        final Machine m = new Machine(2 << 20);
        final PcPlatform p = new PcPlatform(m, () -> 1_600_000_000_000L);
        final List<Integer> irqs = new ArrayList<>();
    }

    /** Drives {@code a}, moves its state into a fresh board, then runs {@code probe} on both and compares. */
    private static void roundTrip(String name, Consumer<Board> drive, Save save, Load load, Consumer<Board> probe, boolean changesState)
            throws SnapshotFormatException {
        Board a = new Board(), b = new Board();
        StateWriter before = new StateWriter();
        save.save(b.p, b.m, before);
        drive.accept(a);
        a.m.cpu.instructions += 12_345;   // guest time passed
        a.p.clock.sync();
        StateWriter clock = new StateWriter();
        a.p.clock.saveState(clock);
        StateWriter w = new StateWriter();
        save.save(a.p, a.m, w);
        byte[] bytes = w.toByteArray();
        if (changesState) assertNotEquals(java.util.Arrays.toString(before.toByteArray()), java.util.Arrays.toString(bytes), name + ": driving changed nothing");

        b.m.cpu.instructions = a.m.cpu.instructions;
        StateReader cr = new StateReader(clock.toByteArray(), 0, clock.size(), "clock", SnapshotFormat.MINOR);
        b.p.clock.loadState(cr);
        StateReader r = new StateReader(bytes, 0, bytes.length, name, SnapshotFormat.MINOR);
        load.load(b.p, b.m, r);
        r.expectEnd();
        StateWriter again = new StateWriter();
        save.save(b.p, b.m, again);
        assertArrayEquals(bytes, again.toByteArray(), name + ": loaded state saves to the same bytes");

        List<Integer> va = new ArrayList<>(), vb = new ArrayList<>();
        Recorder.target = va;
        probe.accept(a);
        Recorder.target = vb;
        probe.accept(b);
        assertEquals(va, vb, name + ": same behaviour after load");
    }

    /** Probes append what they read here. */
    static final class Recorder {
        static List<Integer> target;
        static void in(Board x, int port, int size) { target.add(x.m.io.in(port, size)); }
        static void mem(Board x, int addr) { target.add(x.m.memory.read32(addr)); }
        static void time(Board x, long ns) { x.m.cpu.instructions += ns / 10; x.p.clock.sync(); }
    }

    @Test
    void pitChannelsCountAndLatchAlike() throws Exception {
        roundTrip("PIT", a -> {
            a.m.io.out(0x43, 1, 0x34); a.m.io.out(0x40, 1, 0x9C); a.m.io.out(0x40, 1, 0x2E);     // ch0 mode 2
            a.m.io.out(0x43, 1, 0xB6); a.m.io.out(0x42, 1, 0x33); a.m.io.out(0x42, 1, 0x05);     // ch2 mode 3
            a.m.io.out(0x61, 1, 3);
            a.m.io.out(0x43, 1, 0x74); a.m.io.out(0x41, 1, 0x10);                                // ch1: LSB only written
        }, (p, m, w) -> p.pit.saveState(w), (p, m, r) -> p.pit.loadState(r), x -> {
            for (int k = 0; k < 5; k++) {
                Recorder.time(x, 137_000);
                x.m.io.out(0x43, 1, 0x00);
                Recorder.in(x, 0x40, 1); Recorder.in(x, 0x40, 1);
                Recorder.in(x, 0x61, 1);
                x.m.io.out(0x43, 1, 0xE2);   // read-back status of ch0
                Recorder.in(x, 0x40, 1);
            }
        }, true);
    }

    @Test
    void rtcRegistersAndTimeAlike() throws Exception {
        roundTrip("RTC", a -> {
            a.m.io.out(0x70, 1, 0x0B); a.m.io.out(0x71, 1, 0x42);   // periodic interrupt enable, 24 h
            a.m.io.out(0x70, 1, 0x0A); a.m.io.out(0x71, 1, 0x2A);
            a.m.io.out(0x70, 1, 0x3F); a.m.io.out(0x71, 1, 0x5A);   // CMOS byte
            a.m.io.out(0x70, 1, 0x01); a.m.io.out(0x71, 1, 0x30);   // alarm seconds
        }, (p, m, w) -> p.rtc.saveState(w), (p, m, r) -> p.rtc.loadState(r), x -> {
            for (int k = 0; k < 6; k++) {
                Recorder.time(x, 400_000_000L);
                for (int reg : new int[] {0, 2, 4, 0x0A, 0x0C, 0x3F}) {
                    x.m.io.out(0x70, 1, reg);
                    Recorder.in(x, 0x71, 1);
                }
            }
        }, true);
    }

    @Test
    void picPairAlike() throws Exception {
        roundTrip("PIC", a -> {
            int[] init = {0x11, 0x20, 4, 1};
            a.m.io.out(0x20, 1, init[0]); a.m.io.out(0x21, 1, init[1]); a.m.io.out(0x21, 1, init[2]); a.m.io.out(0x21, 1, init[3]);
            a.m.io.out(0xA0, 1, 0x11); a.m.io.out(0xA1, 1, 0x28); a.m.io.out(0xA1, 1, 2); a.m.io.out(0xA1, 1, 1);
            a.m.io.out(0x21, 1, 0xB8);
            a.m.io.out(0x4D0, 1, 0x20);
            a.p.pic.setIrq(1, true);
            a.p.pic.setIrq(5, true);
            a.p.pic.acknowledge();
        }, (p, m, w) -> p.pic.saveState(w), (p, m, r) -> p.pic.loadState(r), x -> {
            x.m.io.out(0x20, 1, 0x0A); Recorder.in(x, 0x20, 1);   // IRR
            x.m.io.out(0x20, 1, 0x0B); Recorder.in(x, 0x20, 1);   // ISR
            Recorder.in(x, 0x21, 1);
            Recorder.in(x, 0x4D0, 1);
            Recorder.target.add(x.p.pic.hasInterrupt() ? 1 : 0);
            x.m.io.out(0x20, 1, 0x20);                            // EOI
            Recorder.target.add(x.p.pic.acknowledge());
        }, true);
    }

    @Test
    void localApicWithTimerAlike() throws Exception {
        int apic = 0xFEE00000;
        roundTrip("LAPI", a -> {
            a.m.memory.write32(apic + 0xF0, 0x1FF);        // software enable, spurious 0xFF
            a.m.memory.write32(apic + 0x80, 0x20);         // TPR
            a.m.memory.write32(apic + 0x3E0, 0x3);         // divide by 16
            a.m.memory.write32(apic + 0x320, 0x20030);     // periodic, vector 0x30
            a.m.memory.write32(apic + 0x380, 100_000);     // initial count
        }, (p, m, w) -> p.localApic.saveState(w), (p, m, r) -> p.localApic.loadState(r), x -> {
            for (int k = 0; k < 6; k++) {
                Recorder.time(x, 3_000_000);
                Recorder.mem(x, apic + 0x390);             // current count
                Recorder.mem(x, apic + 0x200);             // IRR bits 0..31
                Recorder.mem(x, apic + 0x210);             // IRR 32..63 (vector 0x30)
                Recorder.mem(x, apic + 0xA0);              // PPR
            }
        }, true);
    }

    @Test
    void ioApicAlike() throws Exception {
        int io = 0xFEC00000;
        roundTrip("IOAP", a -> {
            a.m.memory.write32(io, 0x10 + 2 * 5);
            a.m.memory.write32(io + 0x10, 0xA035);         // level, vector 0x35
            a.m.memory.write32(io, 0x11 + 2 * 5);
            a.m.memory.write32(io + 0x10, 0x01000000);
            a.p.ioApic.setPin(5, true);
            a.m.memory.write32(io, 0x00);
        }, (p, m, w) -> p.ioApic.saveState(w), (p, m, r) -> p.ioApic.loadState(r), x -> {
            Recorder.mem(x, io);
            for (int reg : new int[] {0, 1, 0x10 + 10, 0x11 + 10}) {
                x.m.memory.write32(io, reg);
                Recorder.mem(x, io + 0x10);
            }
        }, true);
    }

    @Test
    void keyboardControllerKeyboardAndMouseAlike() throws Exception {
        roundTrip("KBC", a -> {
            a.m.io.out(0x64, 1, 0x60); a.m.io.out(0x60, 1, 0x47);   // command byte
            a.m.io.out(0x64, 1, 0xD1); a.m.io.out(0x60, 1, 0xDF);   // output port (A20 on)
            a.m.io.out(0x64, 1, 0xD4); a.m.io.out(0x60, 1, 0xF4);   // mouse: enable reporting
            a.p.keyboardController.keyDown(0x1E);
            a.p.keyboardController.keyUp(0x1E);
            a.p.keyboardController.keyDown(0xE048);
        }, (p, m, w) -> p.keyboardController.saveState(w), (p, m, r) -> p.keyboardController.loadState(r), x -> {
            for (int k = 0; k < 8; k++) {
                Recorder.in(x, 0x64, 1);
                Recorder.in(x, 0x60, 1);
            }
            x.p.keyboardController.mouseEvent(5, -3, 1);
            for (int k = 0; k < 4; k++) Recorder.in(x, 0x60, 1);
            Recorder.target.add(x.m.memory.isA20Enabled() ? 1 : 0);
        }, true);
    }

    @Test
    void uartWithFifosAlike() throws Exception {
        roundTrip("COM2", a -> {
            Machine m = a.m;
            m.io.out(0x2FB, 1, 0x83); m.io.out(0x2F8, 1, 0x01); m.io.out(0x2F9, 1, 0x00); m.io.out(0x2FB, 1, 0x03);
            m.io.out(0x2FA, 1, 0xC7);   // FIFO on, 14-byte trigger
            m.io.out(0x2F9, 1, 0x05);   // IER: RX data + line status
            m.io.out(0x2FC, 1, 0x1B);   // MCR: loopback, OUT2, RTS, DTR
            for (int i = 0; i < 5; i++) m.io.out(0x2F8, 1, 'a' + i);   // loopback fills the receive FIFO
            m.io.out(0x2FF, 1, 0x77);
        }, (p, m, w) -> p.uarts[1].saveState(w), (p, m, r) -> p.uarts[1].loadState(r), x -> {
            for (int k = 0; k < 7; k++) {
                Recorder.in(x, 0x2FD, 1);
                Recorder.in(x, 0x2FA, 1);
                Recorder.in(x, 0x2F8, 1);
            }
            Recorder.in(x, 0x2FF, 1);
            Recorder.in(x, 0x2FE, 1);
        }, true);
    }

    @Test
    void vgaRegistersAndTextAlike() throws Exception {
        roundTrip("VGA", a -> {
            a.m.memory.write32(0xB8000, 0x1F411F42);
            a.m.io.out(0x3D4, 1, 0x0E); a.m.io.out(0x3D5, 1, 0x01);
            a.m.io.out(0x3D4, 1, 0x0F); a.m.io.out(0x3D5, 1, 0x23);
            a.m.io.out(0x3C8, 1, 0x10); a.m.io.out(0x3C9, 1, 0x11); a.m.io.out(0x3C9, 1, 0x22);
            a.m.io.out(0x3C4, 1, 0x02);
        }, (p, m, w) -> p.vga.saveState(w), (p, m, r) -> p.vga.loadState(r), x -> {
            Recorder.mem(x, 0xB8000);
            x.m.io.out(0x3D4, 1, 0x0E); Recorder.in(x, 0x3D5, 1);
            x.m.io.out(0x3D4, 1, 0x0F); Recorder.in(x, 0x3D5, 1);
            Recorder.in(x, 0x3C9, 1);   // DAC write in progress: component 2 next
            x.m.io.out(0x3C7, 1, 0x10); Recorder.in(x, 0x3C9, 1); Recorder.in(x, 0x3C9, 1);
            Recorder.in(x, 0x3C5, 1);
            Recorder.target.add(x.p.vga.text().startAddress());
        }, true);
    }

    @Test
    void pciConfigAndPamAlike() throws Exception {
        roundTrip("PCI", a -> {
            a.m.io.out(0xCF8, 4, 0x80000058);
            a.m.io.out(0xCFC + 1, 1, 0x10);                  // PAM0: 0xF0000 read-only RAM
            a.m.io.out(0xCF8, 4, 0x80004060);
            a.m.io.out(0xCFC, 4, 0x0B0A0980);                // PIRQ routes
            a.m.io.out(0xCF8, 4, 0x80000004);                // leave an address latched
        }, (p, m, w) -> p.pci.saveState(w), (p, m, r) -> p.pci.loadState(r), x -> {
            Recorder.in(x, 0xCF8, 4);
            for (int reg : new int[] {0x80000000, 0x80000058, 0x8000405C, 0x80004060}) {
                x.m.io.out(0xCF8, 4, reg);
                Recorder.in(x, 0xCFC, 4);
            }
            Recorder.target.add(x.m.memory.pageEntry(0xF0000) & 3);   // PAM applied to the memory map
            x.m.memory.write8(0xF0010, 0x99);
            Recorder.target.add(x.m.memory.read8(0xF0010));
        }, true);
    }

    @Test
    void acpiPmTimerAndRegistersAlike() throws Exception {
        roundTrip("ACPI", a -> {
            a.m.io.out(0x602, 2, 0x0001);                    // PM1 enable: timer overflow
            a.m.io.out(0x604, 2, 0x0001);                    // SCI_EN
        }, (p, m, w) -> p.acpiPm.saveState(w), (p, m, r) -> p.acpiPm.loadState(r), x -> {
            for (int k = 0; k < 4; k++) {
                Recorder.time(x, 1_500_000_000L);
                Recorder.in(x, 0x608, 4);
                Recorder.in(x, 0x600, 2);
                Recorder.in(x, 0x604, 2);
            }
        }, true);
    }

    @Test
    void fwCfgSelectionAndOffsetAlike() throws Exception {
        roundTrip("FWCF", a -> {
            a.m.io.out(0x510, 2, 0x0019);                    // file directory
            for (int i = 0; i < 6; i++) a.m.io.in(0x511, 1);
        }, (p, m, w) -> p.fwCfg.saveState(w), (p, m, r) -> p.fwCfg.loadState(r), x -> {
            for (int i = 0; i < 16; i++) Recorder.in(x, 0x511, 1);
        }, true);
    }

    @Test
    void cpuAndFpuStateAlike() throws Exception {
        roundTrip("CPU", a -> {
            a.m.cpu.reg[3] = 0x12345678;
            a.m.cpu.flags.add(0x7FFFFFFF, 1, 0x80000000, 2);   // lazy flags pending: materialised on save
            a.m.cpu.seg[org.x86play.cpu.Cpu.FS].set(0x33, 0x10000, 0xFFF, 0x40F3);
            a.m.cpu.fpu.pushRaw(0x3FFF, 0xC000000000000000L);
            a.m.cpu.fpu.setControlWord(0x027F);
            a.m.cpu.interruptShadow = true;
        }, (p, m, w) -> m.cpu.saveState(w), (p, m, r) -> m.cpu.loadState(r), x -> {
            Recorder.target.add(x.m.cpu.getEflags());
            Recorder.target.add(x.m.cpu.fpu.getStatusWord());
            Recorder.target.add(x.m.cpu.fpu.getTagWord());
            Recorder.target.add((int) Double.doubleToLongBits(x.m.cpu.fpu.getStDouble(0)));
            Recorder.target.add(x.m.cpu.seg[org.x86play.cpu.Cpu.FS].base);
        }, true);
    }
}

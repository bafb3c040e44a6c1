package org.x86play.devices.pit;

import org.x86play.devices.pic.IrqLines;
import org.x86play.io.IoBus;
import org.x86play.io.IoPortHandler;
import org.x86play.time.Rate;
import org.x86play.time.Timer;
import org.x86play.time.VirtualClock;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * The Intel 8254 programmable interval timer at 0x40-0x43, clocked at 1.193182 MHz of guest time:
 * counter 0 drives IRQ0 (rising OUT edges), counter 1 is the legacy refresh counter, counter 2's
 * gate and OUT go through port 0x61 ({@link PortB}). Control words, counter latch and read-back
 * commands, LSB/MSB/word access and BCD follow the 8254 datasheet.
 * <p>
 * Only counter 0 schedules clock events (one {@link Timer} at its next OUT rise); the others are
 * evaluated when read.
 */
public final class Pit8254 implements IoPortHandler {
    public static final int BASE_PORT = 0x40;
    public static final long FREQUENCY_HZ = 1_193_182L;

    private final VirtualClock clock;
    private final IrqLines irqs;
    private final PitChannel[] channels = {new PitChannel(), new PitChannel(), new PitChannel()};
    private final Timer timer0;
    private final PortB portB;
    /**
     * The level last driven on IRQ0. Starts high: an unprogrammed counter's OUT is undefined, and
     * assuming high means programming a periodic mode does not fake a rising edge at once.
     */
    private boolean irq0 = true;

    /** @param irqs where counter 0's OUT goes (IRQ0); may be null */
    public Pit8254(VirtualClock clock, IrqLines irqs) {
        this.clock = clock;
        this.irqs = irqs;
        this.timer0 = clock.newTimer("pit0", this::timer0Fired);
        this.portB = new PortB(this, clock);
        channels[2].gate = false; // port 0x61 bit 0 is clear after reset
    }

    /** Registers 0x40-0x43 and port 0x61. */
    public void attach(IoBus io) {
        io.register(BASE_PORT, 4, this);
        io.register(PortB.PORT, 1, portB);
    }

    public PortB portB() { return portB; }

    // ------------------------------------------------------------------ time

    /** PIT ticks elapsed at guest time {@code ns}: floor(ns * F / 1e9) without overflow. */
    public static long tickAt(long ns) {
        return Rate.ticksAt(ns, FREQUENCY_HZ);
    }

    /** The first guest time (ns) at which {@link #tickAt} reaches {@code tick}. */
    public static long nsOfTick(long tick) {
        return Rate.nsOfTick(tick, FREQUENCY_HZ);
    }

    private long tick() { return tickAt(clock.now()); }

    // ------------------------------------------------------------------ counter 0 → IRQ0

    private void reschedule0(long tick) {
        long r = channels[0].nextRise(tick);
        if (r < 0) timer0.cancel();
        else timer0.schedule(nsOfTick(r));
    }

    private void timer0Fired(long now) {
        long tick = tickAt(now);
        PitChannel c = channels[0];
        if (c.out(tick) && irqs != null) {
            // A rising OUT edge: modes 2-5 pulse low then high, mode 0/1 simply goes (and stays) high.
            irqs.setIrq(0, false);
            irqs.setIrq(0, true);
            irq0 = true;
        }
        reschedule0(tick);
    }

    private void out0Changed(long tick) {
        boolean o = channels[0].out(tick);
        if (o != irq0 && irqs != null) irqs.setIrq(0, o);
        irq0 = o;
        reschedule0(tick);
    }

    // ------------------------------------------------------------------ ports

    @Override
    public int in(int port, int size) {
        int i = port - BASE_PORT;
        if (i < 0 || i > 2) return 0xFF; // the control register is write-only
        return channels[i].readByte(tick());
    }

    @Override
    public void out(int port, int size, int value) {
        int i = port - BASE_PORT;
        int v = value & 0xFF;
        long tick = tick();
        if (i >= 0 && i <= 2) {
            if (channels[i].writeByte(v, tick) || (i == 0 && channels[0].mode == 0)) {
                if (i == 0) out0Changed(tick);
            }
            return;
        }
        if (i != 3) return;
        int sc = v >>> 6;
        if (sc == 3) { // read-back command
            for (int c = 0; c < 3; c++) {
                if ((v & (2 << c)) == 0) continue;
                if ((v & 0x20) == 0) channels[c].latchCount(tick);
                if ((v & 0x10) == 0) channels[c].latchStatus(tick);
            }
            return;
        }
        int rw = (v >>> 4) & 3;
        if (rw == 0) {
            channels[sc].latchCount(tick);
            return;
        }
        channels[sc].program((v >>> 1) & 7, rw, (v & 1) != 0, tick);
        if (sc == 0) out0Changed(tick);
    }

    // ------------------------------------------------------------------ counter 2 (port 0x61)

    void setGate2(boolean high) { channels[2].setGate(high, tick()); }

    boolean gate2() { return channels[2].gate; }

    boolean out2() { return channels[2].out(tick()); }

    private PitChannel ch(int i) { return channels[i >= 0 && i < 3 ? i : 0]; }

    /** Counter {@code i}'s OUT pin now (tests, speaker). */
    public boolean out(int i) { return ch(i).out(tick()); }

    /** Counter {@code i}'s current count (binary), as a latch would see it. */
    public int count(int i) { return ch(i).count(tick()); }

    /** Counter {@code i}'s mode (0..5). */
    public int mode(int i) { return ch(i).mode; }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** The three channels, the IRQ0 level, port 0x61 and the channel 0 expiry timer. */
    public void saveState(StateWriter w) {
        for (PitChannel c : channels) c.saveState(w);
        w.bool(irq0).u8(portB.control());
        timer0.saveState(w);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        for (PitChannel c : channels) c.loadState(r);
        irq0 = r.bool("PIT IRQ0 level");
        portB.setControl(r.u8());
        timer0.loadState(r);
    }
}

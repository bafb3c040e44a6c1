package org.x86play.devices.pit;

import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * One 8254 counter, computed from the tick count instead of stepped: the state says at which PIT
 * tick counting (re)started and from which value, and the current count and OUT follow from the
 * elapsed ticks (Intel 8254 datasheet, "Mode Definitions"). Ticks are {@code long} but only touched
 * on port accesses and timer events, never per instruction.
 */
final class PitChannel {
    int mode;          // 0..5 (6, 7 alias 2, 3)
    int rw = 3;        // 1 LSB, 2 MSB, 3 LSB then MSB
    boolean bcd;
    /** Programmed count as written (0 = maximum). */
    int reload;
    boolean gate = true;

    /** Counting state: running from {@link #base} at {@link #startTick}. */
    boolean running;
    boolean armed;          // a count has been written since the control word
    boolean nullCount = true;
    long startTick;
    int base;               // effective count at startTick (1..65536 or 1..10000)
    int heldValue;          // count while not running
    boolean outLatched;     // mode 0/1: terminal count reached (OUT stays high)
    boolean outIdle = true; // OUT while not counting

    /** Mode 2/3: a count written while running takes effect at {@link #pendingAt}. */
    boolean pending;
    long pendingAt;
    int pendingBase;

    // Host interface state.
    boolean writeMsbNext;
    int writeLsb;
    boolean readMsbNext;
    boolean countLatched;
    int latchedCount;
    boolean latchReadMsbNext;
    boolean statusLatched;
    int latchedStatus;

    int modulus() { return bcd ? 10000 : 65536; }

    /** Effective count of a programmed value: 0 means 2^16 (binary) or 10^4 (BCD). */
    int effective(int written) { return written == 0 ? modulus() : written; }

    static int toBcd(int v) {
        return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
    }

    static int fromBcd(int v) {
        return ((v >>> 12) & 15) * 1000 + ((v >>> 8) & 15) * 100 + ((v >>> 4) & 15) * 10 + (v & 15);
    }

    private boolean periodic() { return mode == 2 || mode == 3; }

    /** Applies a deferred mode 2/3 reload once its period boundary has passed. */
    void settle(long tick) {
        if (pending && tick >= pendingAt) {
            pending = false;
            startTick = pendingAt;
            base = pendingBase;
        }
    }

    /** The count register (binary, 0..modulus-1) at {@code tick}. */
    int count(long tick) {
        settle(tick);
        if (!running) return heldValue;
        long e = tick - startTick;
        int m = modulus();
        switch (mode) {
            case 2: {
                long p = e % base;
                return (int) ((base - p) % m);
            }
            case 3: {
                long p = e % base;
                int high = (base + 1) >>> 1;
                long q = p < high ? p : p - high;
                long v = base - 2 * q;
                if ((base & 1) != 0) v &= ~1L; // odd counts: the chip loads N-1 / N+1 and counts by two
                return (int) (((v % m) + m) % m);
            }
            default: { // 0, 1, 4, 5: down from base, wrapping after terminal count
                long v = (base - e) % m;
                return (int) (v < 0 ? v + m : v);
            }
        }
    }

    /** The OUT pin at {@code tick}. */
    boolean out(long tick) {
        settle(tick);
        if (!running) return outIdle;
        long e = tick - startTick;
        switch (mode) {
            case 0: case 1: return outLatched || e >= base;
            case 2: return base < 2 || e % base != base - 1;
            case 3: return e % base < (base + 1) >>> 1;
            default: return e != base; // 4, 5: one tick low at terminal count
        }
    }

    /** The first tick after {@code tick} at which OUT rises, or -1 if it never will by itself. */
    long nextRise(long tick) {
        settle(tick);
        if (!running) return -1;
        long e = tick - startTick;
        long r;
        switch (mode) {
            case 0: case 1:
                if (outLatched || e >= base) return -1;
                r = startTick + base;
                break;
            case 2: case 3: {
                long k = e / base + 1; // OUT rises as each period begins
                r = startTick + k * base;
                if (pending && r > pendingAt) r = pendingAt;
                break;
            }
            default:
                if (e > base) return -1;
                r = startTick + base + 1;
        }
        return r > tick ? r : -1;
    }

    /** Control word for this channel (not a latch command). */
    void program(int mode, int rw, boolean bcd, long tick) {
        freeze(tick);
        this.mode = mode > 5 ? mode - 4 : mode;
        this.rw = rw;
        this.bcd = bcd;
        running = false;
        armed = false;
        pending = false;
        nullCount = true;
        writeMsbNext = false;
        readMsbNext = false;
        countLatched = false;
        statusLatched = false;
        outLatched = false;
        outIdle = this.mode != 0; // mode 0: OUT low after the control word; all others high
    }

    /** Stops counting, holding the current count and OUT. */
    private void freeze(long tick) {
        if (running) {
            heldValue = count(tick);
            outIdle = out(tick);
            running = false;
        }
    }

    /** A data-port write. @return true if a whole count was loaded */
    boolean writeByte(int v, long tick) {
        int value;
        switch (rw) {
            case 1: value = v; break;
            case 2: value = v << 8; break;
            default:
                if (!writeMsbNext) {
                    writeLsb = v;
                    writeMsbNext = true;
                    if (mode == 0) { // datasheet: writing the first byte of a mode 0 count stops it, OUT low
                        freeze(tick);
                        outIdle = false;
                    }
                    return false;
                }
                writeMsbNext = false;
                value = writeLsb | v << 8;
        }
        load(value, tick);
        return true;
    }

    private void load(int value, long tick) {
        reload = value;
        int n = effective(bcd ? fromBcd(value) : value);
        nullCount = false;
        if (periodic() && running && armed) {
            // Modes 2 and 3: a new count is used from the end of the current period.
            settle(tick);
            long e = tick - startTick;
            pending = true;
            pendingAt = startTick + (e / base + 1) * base;
            pendingBase = n;
            return;
        }
        armed = true;
        base = n;
        outLatched = false;
        switch (mode) {
            case 1: case 5: // hardware triggered: wait for a gate rising edge
                freeze(tick);
                outIdle = true;
                break;
            default:
                startTick = tick;
                running = gate;
                if (!gate) {
                    heldValue = n % modulus();
                    outIdle = mode != 0;
                }
        }
    }

    void setGate(boolean high, long tick) {
        if (high == gate) return;
        gate = high;
        if (!armed) return;
        if (high) {
            switch (mode) {
                case 0: case 4: // resume counting from the held value
                    if (!running) {
                        int held = heldValue == 0 ? modulus() : heldValue;
                        boolean done = mode == 0 && outIdle;
                        base = held;
                        startTick = tick;
                        running = true;
                        outLatched = done;
                    }
                    break;
                default: // 1, 2, 3, 5: a rising gate (re)loads the count and starts it
                    settle(tick);
                    pending = false;
                    base = effective(bcd ? fromBcd(reload) : reload);
                    startTick = tick;
                    running = true;
                    outLatched = false;
            }
        } else {
            switch (mode) {
                case 0: case 4:
                    freeze(tick);
                    break;
                case 2: case 3: // gate low: counting stops and OUT is forced high
                    freeze(tick);
                    outIdle = true;
                    break;
                default: break; // 1, 5: the gate only triggers
            }
        }
    }

    /** The value a data-port read sees (binary or BCD encoded). */
    int readable(long tick) {
        int v = count(tick) & 0xFFFF;
        return bcd ? toBcd(v % 10000) : v;
    }

    int status(long tick) {
        return (out(tick) ? 0x80 : 0) | (nullCount ? 0x40 : 0) | rw << 4 | mode << 1 | (bcd ? 1 : 0);
    }

    void latchCount(long tick) {
        if (countLatched) return; // a second latch before the read is ignored
        countLatched = true;
        latchedCount = readable(tick);
        latchReadMsbNext = false;
    }

    void latchStatus(long tick) {
        if (statusLatched) return;
        statusLatched = true;
        latchedStatus = status(tick);
    }

    int readByte(long tick) {
        if (statusLatched) {
            statusLatched = false;
            return latchedStatus;
        }
        if (countLatched) {
            int v = latchedCount;
            switch (rw) {
                case 1: countLatched = false; return v & 0xFF;
                case 2: countLatched = false; return v >>> 8 & 0xFF;
                default:
                    if (!latchReadMsbNext) {
                        latchReadMsbNext = true;
                        return v & 0xFF;
                    }
                    latchReadMsbNext = false;
                    countLatched = false;
                    return v >>> 8 & 0xFF;
            }
        }
        int v = readable(tick);
        switch (rw) {
            case 1: return v & 0xFF;
            case 2: return v >>> 8 & 0xFF;
            default:
                readMsbNext = !readMsbNext;
                return readMsbNext ? v & 0xFF : v >>> 8 & 0xFF;
        }
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    void saveState(StateWriter w) {
        w.u8(mode).u8(rw).bool(bcd).i32(reload).bool(gate);
        w.bool(running).bool(armed).bool(nullCount).i64(startTick).i32(base).i32(heldValue).bool(outLatched).bool(outIdle);
        w.bool(pending).i64(pendingAt).i32(pendingBase);
        w.bool(writeMsbNext).u8(writeLsb).bool(readMsbNext).bool(countLatched).i32(latchedCount).bool(latchReadMsbNext);
        w.bool(statusLatched).u8(latchedStatus);
    }

    void loadState(StateReader r) throws SnapshotFormatException {
        mode = r.u8();
        if (mode > 5) throw r.fail("PIT mode must be 0..5, got " + mode);
        rw = r.u8();
        if (rw < 1 || rw > 3) throw r.fail("PIT access mode must be 1..3, got " + rw);
        bcd = r.bool("PIT BCD");
        reload = r.intIn(0, 0xFFFF, "PIT reload");
        gate = r.bool("PIT gate");
        running = r.bool("PIT running");
        armed = r.bool("PIT armed");
        nullCount = r.bool("PIT null count");
        startTick = r.longIn(0, Long.MAX_VALUE / 4, "PIT start tick");
        base = r.intIn(running ? 1 : 0, 65536, "PIT count base");
        heldValue = r.intIn(0, 65536, "PIT held count");
        outLatched = r.bool("PIT OUT latched");
        outIdle = r.bool("PIT OUT idle");
        pending = r.bool("PIT pending count");
        pendingAt = r.longIn(0, Long.MAX_VALUE / 4, "PIT pending time");
        pendingBase = r.intIn(pending ? 1 : 0, 65536, "PIT pending base");
        writeMsbNext = r.bool("PIT write MSB next");
        writeLsb = r.u8();
        readMsbNext = r.bool("PIT read MSB next");
        countLatched = r.bool("PIT count latched");
        latchedCount = r.intIn(0, 65536, "PIT latched count");
        latchReadMsbNext = r.bool("PIT latch MSB next");
        statusLatched = r.bool("PIT status latched");
        latchedStatus = r.u8();
    }
}

package org.x86play.devices.ps2;

import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * A standard PS/2 mouse (device ID 0x00, three buttons, 3-byte packets) on the controller's
 * auxiliary port: reset/BAT, defaults, enable/disable data reporting, sample rate, resolution,
 * scaling, status request, read data, stream/remote mode and get-ID, per the IBM PS/2 mouse
 * reference. The host reports motion and buttons with {@link I8042#mouseEvent}.
 */
public final class Ps2Mouse {
    static final int ACK = 0xFA, RESEND = 0xFE;
    private static final int BUFFER = 32;

    private final int[] buffer = new int[BUFFER];
    private int head, count;
    private boolean reporting, remote, scaling21;
    private int sampleRate = 100, resolution = 2, buttons;
    private int pendingCommand;
    /** Motion not yet sent (remote mode, or while a packet would not fit). */
    private int dx, dy;

    boolean hasData() { return count > 0; }

    int take() {
        if (count == 0) return -1;
        int b = buffer[head];
        head = (head + 1) & (BUFFER - 1);
        count--;
        return b;
    }

    private void put(int b) {
        if (count == BUFFER) return;
        buffer[(head + count) & (BUFFER - 1)] = b & 0xFF;
        count++;
    }

    private void clear() { head = count = 0; }

    void reset() {
        clear();
        defaults();
        pendingCommand = 0;
    }

    private void defaults() {
        reporting = false;
        remote = false;
        scaling21 = false;
        sampleRate = 100;
        resolution = 2;
        dx = dy = 0;
    }

    public boolean reporting() { return reporting; }

    public int sampleRate() { return sampleRate; }

    public int resolution() { return resolution; }

    void receive(int b) {
        b &= 0xFF;
        if (pendingCommand != 0) {
            int cmd = pendingCommand;
            pendingCommand = 0;
            if (cmd == 0xF3) sampleRate = b;
            else resolution = b & 3;
            put(ACK);
            return;
        }
        switch (b) {
            case 0xE6: scaling21 = false; put(ACK); break;
            case 0xE7: scaling21 = true; put(ACK); break;
            case 0xE8: case 0xF3: pendingCommand = b; put(ACK); break;
            case 0xE9: // status request
                put(ACK);
                put((remote ? 0x40 : 0) | (reporting ? 0x20 : 0) | (scaling21 ? 0x10 : 0) | (buttons & 7));
                put(resolution);
                put(sampleRate);
                break;
            case 0xEA: remote = false; put(ACK); break;
            case 0xF0: remote = true; put(ACK); break;
            case 0xEB: put(ACK); packet(); break; // read data
            case 0xF2: put(ACK); put(0x00); break;
            case 0xF4: reporting = true; dx = dy = 0; put(ACK); break;
            case 0xF5: reporting = false; dx = dy = 0; put(ACK); break;
            case 0xF6: defaults(); put(ACK); break;
            case 0xFF: reset(); put(ACK); put(0xAA); put(0x00); break;
            default: put(RESEND); break;
        }
    }

    /** Host motion (x right, y up, in counts) and buttons (bit 0 left, 1 right, 2 middle). */
    void event(int mx, int my, int newButtons) {
        boolean changed = (newButtons & 7) != buttons;
        buttons = newButtons & 7;
        if (!remote && !reporting) return; // stream mode, reporting off: motion is not kept
        dx = Math.max(-4096, Math.min(4096, dx + mx));
        dy = Math.max(-4096, Math.min(4096, dy + my));
        if (remote) return;
        if (count > BUFFER - 3) return; // keep accumulating until there is room
        if (dx != 0 || dy != 0 || changed) packet();
    }

    private void packet() {
        int x = Math.max(-256, Math.min(255, dx));
        int y = Math.max(-256, Math.min(255, dy));
        boolean xo = dx != x, yo = dy != y;
        put(buttons | 0x08 | (x < 0 ? 0x10 : 0) | (y < 0 ? 0x20 : 0) | (xo ? 0x40 : 0) | (yo ? 0x80 : 0));
        put(x);
        put(y);
        dx = dy = 0;
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    public void saveState(StateWriter w) {
        w.ints(buffer).u8(head).u8(count).bool(reporting).bool(remote).bool(scaling21);
        w.i32(sampleRate).i32(resolution).i32(buttons).u8(pendingCommand).i32(dx).i32(dy);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        r.intsIn(buffer, 0, 0xFF, "mouse buffer");
        head = r.u8();
        count = r.u8();
        if (head >= BUFFER || count > BUFFER) throw r.fail("mouse buffer position " + head + "/" + count + " out of range");
        reporting = r.bool("mouse reporting");
        remote = r.bool("mouse remote mode");
        scaling21 = r.bool("mouse scaling");
        sampleRate = r.intIn(0, 0xFF, "mouse sample rate");
        resolution = r.intIn(0, 0xFF, "mouse resolution");
        buttons = r.intIn(0, 0xFF, "mouse buttons");
        pendingCommand = r.u8();
        dx = r.i32();
        dy = r.i32();
    }
}

package org.x86play.devices.ps2;

import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * A PS/2 (MF2) keyboard as seen from the controller's keyboard port: the command set of the IBM
 * PS/2 keyboard reference (reset/BAT, LEDs, echo, scan code set, identify, typematic, enable /
 * disable scanning, defaults, resend) and scan code generation in set 1 or 2 (set 3 is accepted and
 * reported but keys are sent as set 2). Bytes wait in the keyboard's 16-byte buffer until the
 * controller takes them.
 * <p>
 * Host keys are named by their set 1 make code, with 0xE0nn for the extended keys (e.g. 0x1E = A,
 * 0xE048 = cursor up): the numbering most host key maps use.
 */
public final class Ps2Keyboard {
    public static final int ACK = 0xFA, RESEND = 0xFE, BAT_OK = 0xAA, ECHO = 0xEE;
    private static final int BUFFER = 16;

    private final int[] buffer = new int[BUFFER];
    private int head, count;
    private boolean scanning = true;
    private int scancodeSet = 2;
    private int leds;
    private int typematic = 0x2B;
    /** The command awaiting its parameter byte (0xED, 0xF0, 0xF3), or 0. */
    private int pendingCommand;
    private int lastSent = -1;

    boolean hasData() { return count > 0; }

    int take() {
        if (count == 0) return -1;
        int b = buffer[head];
        head = (head + 1) & (BUFFER - 1);
        count--;
        lastSent = b;
        return b;
    }

    private void put(int b) {
        if (count == BUFFER) return; // overrun: the keyboard drops the byte
        buffer[(head + count) & (BUFFER - 1)] = b & 0xFF;
        count++;
    }

    /** A byte the host (through the controller) sends to the keyboard. */
    void receive(int b) {
        b &= 0xFF;
        if (pendingCommand != 0) {
            int cmd = pendingCommand;
            pendingCommand = 0;
            if (b >= 0xED) { // a command instead of the parameter: abandon the old one
                receive(b);
                return;
            }
            switch (cmd) {
                case 0xED: leds = b & 7; put(ACK); break;
                case 0xF3: typematic = b & 0x7F; put(ACK); break;
                case 0xF0:
                    put(ACK);
                    if (b == 0) put(scancodeSet);
                    else if (b <= 3) scancodeSet = b;
                    break;
                default: break;
            }
            return;
        }
        switch (b) {
            case 0xED: case 0xF0: case 0xF3:
                pendingCommand = b;
                put(ACK);
                break;
            case 0xEE: put(ECHO); break;
            case 0xF2: put(ACK); put(0xAB); put(0x83); break; // MF2 keyboard ID
            case 0xF4: clear(); scanning = true; put(ACK); break;
            case 0xF5: clear(); defaults(); scanning = false; put(ACK); break;
            case 0xF6: clear(); defaults(); scanning = true; put(ACK); break;
            case 0xF7: case 0xF8: case 0xF9: case 0xFA: case 0xFB: case 0xFC: case 0xFD:
                put(ACK); // set-3 key type commands: accepted, no effect
                break;
            case 0xFE:
                if (lastSent >= 0) put(lastSent);
                break;
            case 0xFF: reset(); put(ACK); put(BAT_OK); break;
            default: put(RESEND); break;
        }
    }

    private void clear() { head = count = 0; }

    private void defaults() {
        scancodeSet = 2;
        typematic = 0x2B;
    }

    /** Power-on / 0xFF: defaults, LEDs off, scanning on, buffer cleared. */
    void reset() {
        clear();
        defaults();
        leds = 0;
        scanning = true;
        pendingCommand = 0;
    }

    public int leds() { return leds; }

    public int scancodeSet() { return scancodeSet; }

    public boolean scanning() { return scanning; }

    public int typematic() { return typematic; }

    /** Queues the bytes of a key press ({@code make}) or release, in the current scan code set. */
    void key(int key, boolean make) {
        if (!scanning) return;
        boolean extended = (key & 0xFF00) == 0xE000;
        int code = key & 0x7F;
        if (scancodeSet == 1) {
            if (extended) put(0xE0);
            put(make ? code : code | 0x80);
            return;
        }
        int s2 = ScancodeTranslation.set1ToSet2(code);
        if (s2 == 0) return;
        if (extended) put(0xE0);
        if (!make) put(0xF0);
        put(s2);
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    public void saveState(StateWriter w) {
        w.ints(buffer).u8(head).u8(count).bool(scanning).u8(scancodeSet).u8(leds).u8(typematic).u8(pendingCommand).i32(lastSent);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        r.intsIn(buffer, 0, 0xFF, "keyboard buffer");
        head = r.u8();
        count = r.u8();
        if (head >= BUFFER || count > BUFFER) throw r.fail("keyboard buffer position " + head + "/" + count + " out of range");
        scanning = r.bool("keyboard scanning");
        scancodeSet = r.u8();
        if (scancodeSet < 1 || scancodeSet > 3) throw r.fail("scancode set must be 1..3, got " + scancodeSet);
        leds = r.u8();
        typematic = r.u8();
        pendingCommand = r.u8();
        lastSent = r.intIn(-1, 0xFF, "keyboard last byte");
    }
}

package org.x86play.devices.debug;

import java.util.function.IntConsumer;
import org.x86play.io.IoPortHandler;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * The POST-code port (0x80 on PCs): firmware writes progress codes there. Each byte written is
 * passed to a listener; a read returns the last code written (as POST-card latches show it).
 */
public final class PostCodePort implements IoPortHandler {
    public static final int DEFAULT_PORT = 0x80;

    private IntConsumer listener;
    private int last = 0xFF;

    /** {@code listener} receives each code (0..255); null to ignore them. */
    public void setListener(IntConsumer listener) { this.listener = listener; }

    public int lastCode() { return last; }

    @Override
    public int in(int port, int size) {
        return size == 1 ? last : size == 2 ? (0xFF00 | last) : (0xFFFFFF00 | last);
    }

    @Override
    public void out(int port, int size, int value) {
        last = value & 0xFF;
        IntConsumer l = listener;
        if (l != null) l.accept(last);
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    public void saveState(StateWriter w) { w.u8(last); }

    public void loadState(StateReader r) throws SnapshotFormatException { last = r.u8(); }
}

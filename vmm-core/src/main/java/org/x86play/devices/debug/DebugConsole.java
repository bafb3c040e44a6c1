package org.x86play.devices.debug;

import java.util.function.IntConsumer;
import org.x86play.io.IoPortHandler;

/**
 * QEMU's "debugcon" (ISA port 0x402 by default): firmware such as SeaBIOS writes its log there, one byte
 * per OUT. Reads return 0xE9, the value SeaBIOS and Bochs-style firmware check to detect the port.
 */
public final class DebugConsole implements IoPortHandler {
    public static final int DEFAULT_PORT = 0x402;
    private static final int PRESENT = 0xE9;

    private IntConsumer sink;

    /** Receives each byte (0..255); null discards them. */
    public void setSink(IntConsumer sink) { this.sink = sink; }

    @Override
    public int in(int port, int size) {
        return PRESENT;
    }

    @Override
    public void out(int port, int size, int value) {
        IntConsumer s = sink;
        if (s != null) s.accept(value & 0xFF);
    }
}

package org.x86play.io;

/**
 * The 64 KiB x86 I/O port space. Devices register handlers per port; unclaimed ports read as
 * all-ones and ignore writes, like an ISA bus with nothing answering.
 */
public final class IoBus {
    private final IoPortHandler[] handlers = new IoPortHandler[0x10000];

    public void register(int firstPort, int count, IoPortHandler handler) {
        for (int p = firstPort; p < firstPort + count; p++) handlers[p & 0xFFFF] = handler;
    }

    public void unregister(int firstPort, int count) {
        register(firstPort, count, null);
    }

    public int in(int port, int size) {
        IoPortHandler h = handlers[port & 0xFFFF];
        if (h == null) return size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFFFFFF;
        return h.in(port & 0xFFFF, size);
    }

    public void out(int port, int size, int value) {
        IoPortHandler h = handlers[port & 0xFFFF];
        if (h != null) h.out(port & 0xFFFF, size, size == 1 ? value & 0xFF : size == 2 ? value & 0xFFFF : value);
    }
}

package org.x86play.host;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.IntSupplier;

/**
 * Host bytes for the guest's COM1: a daemon thread reads the stream into a small bounded queue
 * (it blocks when the guest is not reading, so nothing is lost); the run loop takes bytes without
 * ever blocking.
 */
final class HostSerialInput implements IntSupplier {
    private final BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(4096);

    HostSerialInput(InputStream in) {
        Thread t = new Thread(() -> {
            try {
                int b;
                while ((b = in.read()) >= 0) queue.put(b);
            } catch (IOException | InterruptedException e) {
                // end of input: the guest simply sees no more bytes
            }
        }, "vmm-serial-input");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public int getAsInt() {
        Integer b = queue.poll();
        return b == null ? -1 : b;
    }
}

package org.x86play.io;

/** A device's I/O ports. {@code size} is 1, 2 or 4; values are zero-extended. */
public interface IoPortHandler {
    int in(int port, int size);

    void out(int port, int size, int value);
}

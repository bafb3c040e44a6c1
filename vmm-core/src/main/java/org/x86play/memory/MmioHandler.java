package org.x86play.memory;

/** A device register window in the physical address space. Offsets are relative to the mapping base. */
public interface MmioHandler {
    int read(int offset, int size);

    void write(int offset, int size, int value);
}

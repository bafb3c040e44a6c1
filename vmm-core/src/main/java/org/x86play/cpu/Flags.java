package org.x86play.cpu;

/**
 * EFLAGS with lazy evaluation of the arithmetic flags (CF PF AF ZF SF OF).
 * OWNER: cpu-integer helper. Placeholder body: eager storage only, to be replaced by lazy evaluation.
 */
public final class Flags {
    private int value = 2;

    /** The full 32-bit EFLAGS value (bit 1 always set). */
    public int get() { return value | 2; }

    public void set(int v) { value = (v | 2) & 0x003F7FD7; }

    /** EFLAGS without the six arithmetic flags: IF, DF, TF, IOPL, NT, VM, AC, ... */
    public int getSystem() { return value & ~0x8D5; }
}

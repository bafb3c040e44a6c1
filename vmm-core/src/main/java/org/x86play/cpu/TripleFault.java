package org.x86play.cpu;

/** A fault during double-fault delivery: the processor shuts down (SDM Vol. 3 §6.15, interrupt 8). */
public final class TripleFault extends RuntimeException {
    public TripleFault(String detail) {
        super(detail, null, false, false);
    }
}
